from .accounts import User, UserKind

__all__ = ["User", "UserKind"]
