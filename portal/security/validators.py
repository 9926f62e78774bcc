"""Password rule of our own: characters from several classes (on top of Django's validators)."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

CLASSES = (
    ("lower", lambda c: c.islower()),
    ("upper", lambda c: c.isupper()),
    ("digit", lambda c: c.isdigit()),
    ("symbol", lambda c: c in string.punctuation or not (c.isalnum() or c.isspace())),
)


class CharacterClassValidator:
    """At least `min_classes` of: lower-case letters, capitals, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min(max(1, min_classes), len(CLASSES))

    def validate(self, password, user=None):
        used = sum(1 for _name, test in CLASSES if any(test(c) for c in password))
        if used < self.min_classes:
            raise ValidationError(self._text(), code="password_too_simple")

    def _text(self):
        return ngettext(
            "The password must mix at least %(count)d kind of character: "
            "lower-case letters, capitals, digits and symbols.",
            "The password must mix at least %(count)d kinds of characters: "
            "lower-case letters, capitals, digits and symbols.",
            self.min_classes,
        ) % {"count": self.min_classes}

    def get_help_text(self):
        return self._text()
