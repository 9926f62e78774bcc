"""Validators for Chinese identification codes.

- USCC, 统一社会信用代码 (GB 32100-2015): 18 characters.
- Organisation code, 组织机构代码 (GB 11714-1997): 9 characters, the 9th a check character.
- Resident ID number, 公民身份号码 (GB 11643-1999): 18 characters, the 18th a check character.
- Administrative division code (GB/T 2260): 6 digits.

Each `check_*` function returns a list of problems (empty when valid) so callers can show all
of them at once; the `validate_*` wrappers raise Django's ValidationError for model and form
fields. Messages say what is wrong, not just that something is.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Province-level codes of GB/T 2260 (first two digits of a division code).
PROVINCE_CODES = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    }
)

# GB 32100-2015 character set: digits and capitals without I, O, S, V, Z.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]

# Registration authority (position 1) -> allowed organisation types (position 2), per
# GB 32100-2015 Appendix A and its later amendments (A = military, N = agriculture).
USCC_AUTHORITY_TYPES = {
    "1": "1239",  # 机构编制: organs, public institutions, mass organisations, other
    "2": "19",  # 外交
    "3": "1234569",  # 司法行政: law firms, notaries, legal services, appraisal, arbitration
    "4": "19",  # 文化
    "5": "1239",  # 民政: social groups, private non-enterprise units, foundations
    "6": "129",  # 旅游
    "7": "129",  # 宗教
    "8": "19",  # 工会
    "9": "123",  # 市场监管 (工商): enterprises, individual businesses, cooperatives
    "A": "19",  # 中央军委改革和编制办公室
    "N": "1239",  # 农业: collective economic organisations
    "Y": "1",  # 其他
}

ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
ID_CHECK = "10X98765432"

# ASCII digits only: str.isdigit() also accepts "²", "٣" and the like, which int() rejects.
_DIGITS = re.compile(r"[0-9]+")


def _is_digits(text: str) -> bool:
    return _DIGITS.fullmatch(text) is not None


def _char_value(ch: str) -> int:
    """Value of a character in GB 11714: digits 0-9, letters A=10 ... Z=35."""
    return int(ch) if _is_digits(ch) else ord(ch) - ord("A") + 10


def org_code_check_char(body: str) -> str:
    """The GB 11714 check character for the first eight characters of an organisation code."""
    total = sum(_char_value(c) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def uscc_check_char(body: str) -> str:
    """The GB 32100 check character for the first seventeen characters of a USCC."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def id_number_check_char(body: str) -> str:
    """The GB 11643 check character for the first seventeen digits of an ID number."""
    total = sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def check_division_code(code: str) -> list[str]:
    if len(code) != 6 or not _is_digits(code):
        return [_("A division code has exactly 6 digits (GB/T 2260).")]
    if code[:2] not in PROVINCE_CODES:
        return [_("%(prefix)s is not a province-level code of GB/T 2260.") % {"prefix": code[:2]}]
    return []


def check_org_code(code: str) -> list[str]:
    if len(code) != 9:
        return [_("An organisation code has 9 characters; this one has %(n)d.") % {"n": len(code)}]
    bad = sorted({c for c in code[:8] if not (_is_digits(c) or "A" <= c <= "Z")})
    if bad:
        return [
            _("The organisation code contains characters that are not allowed: %(chars)s.")
            % {"chars": " ".join(bad)}
        ]
    expected = org_code_check_char(code[:8])
    if code[8] != expected:
        return [
            _("The organisation code's check character is %(got)s but should be %(want)s (GB 11714).")
            % {"got": code[8], "want": expected}
        ]
    return []


def check_uscc(value: str) -> list[str]:
    """All problems with a unified social credit code, in the order a reader would fix them."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        return [_("A unified social credit code has 18 characters; this one has %(n)d.") % {"n": len(code)}]
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        return [
            _(
                "The code contains characters that are not allowed (I, O, S, V, Z and "
                "punctuation are never used): %(chars)s."
            )
            % {"chars": " ".join(bad)}
        ]
    problems = []
    authority, org_type = code[0], code[1]
    if authority not in USCC_AUTHORITY_TYPES:
        problems.append(_("%(c)s is not a registration authority code (position 1).") % {"c": authority})
    elif org_type not in USCC_AUTHORITY_TYPES[authority]:
        problems.append(
            _("%(t)s is not an organisation type of registration authority %(a)s (position 2).")
            % {"t": org_type, "a": authority}
        )
    if any(msg for msg in check_division_code(code[2:8])):
        problems.append(
            _("Positions 3-8 must be a GB/T 2260 division code; %(d)s is not.") % {"d": code[2:8]}
        )
    problems.extend(check_org_code(code[8:17]))
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        problems.append(
            _(
                "The check character (position 18) is %(got)s but should be %(want)s; "
                "a character may have been mistyped."
            )
            % {"got": code[17], "want": expected}
        )
    return problems


def check_id_number(value: str, *, today: datetime.date | None = None) -> list[str]:
    """Problems with an 18-character resident ID number (GB 11643-1999)."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        return [_("A resident ID number has 18 characters; this one has %(n)d.") % {"n": len(code)}]
    if not _is_digits(code[:17]) or not (_is_digits(code[17]) or code[17] == "X"):
        return [_("A resident ID number is 17 digits followed by a digit or X.")]
    problems = []
    if code[:2] not in PROVINCE_CODES:
        problems.append(_("%(prefix)s is not a province-level division code.") % {"prefix": code[:2]})
    try:
        born = datetime.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        problems.append(_("%(d)s is not a valid date of birth (positions 7-14).") % {"d": code[6:14]})
    else:
        today = today or datetime.date.today()
        if born > today or born.year < 1880:
            problems.append(_("The date of birth %(d)s is not plausible.") % {"d": born.isoformat()})
    expected = id_number_check_char(code[:17])
    if code[17] != expected:
        problems.append(
            _("The check character is %(got)s but should be %(want)s; a digit may have been mistyped.")
            % {"got": code[17], "want": expected}
        )
    return problems


def _raise(problems: list[str], code: str) -> None:
    if problems:
        raise ValidationError([ValidationError(problem, code=code) for problem in problems])


def validate_uscc(value: str) -> None:
    _raise(check_uscc(value), "invalid_uscc")


def validate_id_number(value: str) -> None:
    _raise(check_id_number(value), "invalid_id_number")


def validate_division_code(value: str) -> None:
    _raise(check_division_code(value), "invalid_division_code")
