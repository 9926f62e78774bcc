"""Masking personal data for anything shown to the public (DOMAIN.md §3: 张*, 1101**********1234).

Only natural persons are masked: an enterprise's name and its unified social credit code are
public registration data and are shown in full. Every function keeps the length of its input
(one mask character per hidden character), never reveals more than it says, and is idempotent:
masking a masked value changes nothing.

- `mask_name`: Chinese names keep the first and (from three characters) the last character —
  张三 → 张*, 张三丰 → 张*丰, 欧阳娜娜 → 欧**娜. Latin names keep each word's initial —
  John Smith → J*** S****.
- `mask_id_number`: keeps the first 4 and last 4 characters of a resident ID number —
  110101199003071234 → 1101**********1234; shorter values keep less (see the function).
- `mask_phone`: a mobile number keeps its first 3 and last 4 digits — 138****5678; separators
  (spaces, hyphens, a +86 prefix) stay in place.
- `mask_text`: masks ID numbers and mobile numbers found inside free text.
"""

from __future__ import annotations

import re

MASK = "*"

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# An 18-character resident ID number (GB 11643) or a 15-digit first-generation one, as a whole word.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
# A mainland mobile number (11 digits starting 1[3-9]), optionally with +86 / 86 in front.
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)")


def _is_cjk_name(name: str) -> bool:
    return bool(_CJK.search(name))


def mask_name(name: str | None) -> str:
    """A person's name as the public may see it."""
    if not name:
        return ""
    name = name.strip()
    if _is_cjk_name(name):
        chars = [c for c in name if not c.isspace()]
        if len(chars) <= 1:
            return "".join(chars)
        if len(chars) == 2:
            return chars[0] + MASK
        return chars[0] + MASK * (len(chars) - 2) + chars[-1]
    # Latin (or other alphabetic) names: each word keeps its initial; separators stay.
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0)[0] + MASK * (len(m.group(0)) - 1), name)


def mask_id_number(value: str | None) -> str:
    """Keep the first 4 and last 4 characters; a value of 8 characters or fewer keeps only its
    last quarter (at most 2 characters), so a short value is never shown whole."""
    if not value:
        return ""
    value = value.strip()
    n = len(value)
    if n > 8:
        return value[:4] + MASK * (n - 8) + value[-4:]
    keep = min(2, n // 4)
    return MASK * (n - keep) + (value[-keep:] if keep else "")


def mask_phone(value: str | None) -> str:
    """Keep the first 3 and last 4 digits of an 11-digit mobile number (a +86 prefix stays);
    other numbers (landlines with their area code) keep only their last 4 digits, and numbers of
    6 digits or fewer none."""
    if not value:
        return ""
    value = value.strip()
    # A mask character stands for a digit hidden before, so masking twice changes nothing.
    positions = [i for i, c in enumerate(value) if c.isdigit() or c == MASK]
    digits = "".join(value[i] for i in positions)
    # Leave a country prefix of 86 alone: it is not part of the subscriber's number.
    skip = 2 if len(digits) == 13 and digits.startswith("86") else 0
    subscriber = positions[skip:]
    n = len(subscriber)
    if n >= 11 and value[subscriber[0]] == "1":
        keep = set(subscriber[:3]) | set(subscriber[-4:])
    elif n >= 7:
        keep = set(subscriber[-4:])
    else:
        keep = set()
    hidden = set(subscriber) - keep
    return "".join(MASK if i in hidden else c for i, c in enumerate(value))


def mask_text(text: str | None) -> str:
    """Free text with the ID numbers and mobile numbers in it masked."""
    if not text:
        return ""
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)
