from .accounts import User, UserKind
from .numbering import NumberSequence

__all__ = ["NumberSequence", "User", "UserKind"]
