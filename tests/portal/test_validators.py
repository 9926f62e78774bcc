"""Validators for Chinese identification codes (portal.validators).

The check characters are recomputed here with an independent implementation written from the
standards (GB 32100-2015, GB 11714-1997, GB 11643-1999), so a mistake in the module's own
check-character functions cannot hide behind the tests.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from coordination.models import OrgKind, OrgLevel, OrgUnit
from portal.validators import (
    check_division_code,
    check_id_number,
    check_uscc,
    validate_division_code,
    validate_id_number,
    validate_uscc,
)

# --- An independent implementation of the check algorithms, from the standards' tables. ---------

# GB 32100-2015 table 2: the 31 characters and their values 0..30.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# GB 32100-2015 table 3: weights of positions 1..17 (3^(i-1) mod 31).
USCC_POSITION_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714-1997: weights of the first eight characters of an organisation code.
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# GB 11643-1999: weights of the first seventeen digits and the check-character table.
ID_POSITION_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_TABLE = {0: "1", 1: "0", 2: "X", 3: "9", 4: "8", 5: "7", 6: "6", 7: "5", 8: "4", 9: "3", 10: "2"}

# Registration authority + organisation type pairs that GB 32100-2015 defines.
VALID_AUTHORITY_TYPES = ["11", "12", "13", "19", "51", "52", "53", "59", "91", "92", "93", "Y1"]
PROVINCES = ["11", "12", "13", "31", "32", "33", "35", "36", "44", "50", "51", "64", "65", "81"]


def ref_org_check(body8: str) -> str:
    def value(ch):
        return ord(ch) - 48 if "0" <= ch <= "9" else ord(ch) - 55  # A=10 ... Z=35

    remainder = sum(value(c) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True)) % 11
    c9 = 11 - remainder
    if c9 == 10:
        return "X"
    if c9 == 11:
        return "0"
    return str(c9)


def ref_uscc_check(body17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(body17, USCC_POSITION_WEIGHTS, strict=True))
    c18 = 31 - total % 31
    return USCC_CHARS[0 if c18 == 31 else c18]


def ref_id_check(body17: str) -> str:
    return ID_CHECK_TABLE[sum(int(c) * w for c, w in zip(body17, ID_POSITION_WEIGHTS, strict=True)) % 11]


def build_uscc(
    authority_type="91", division="350100", org_body="M000100Y", *, org_check=None, final=None
) -> str:
    """A USCC from its parts; the two check characters are computed unless given."""
    org_code = org_body + (org_check if org_check is not None else ref_org_check(org_body))
    body = authority_type + division + org_code
    return body + (final if final is not None else ref_uscc_check(body))


def build_id(division="110105", born="19491231", seq="002", *, check=None) -> str:
    body = division + born + seq
    return body + (check if check is not None else ref_id_check(body))


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English; the site's default language is Chinese."""
    with translation.override("en"):
        yield


# --- Strategies ---------------------------------------------------------------------------------

divisions = st.builds(
    lambda p, rest: p + rest,
    st.sampled_from(PROVINCES),
    st.text(alphabet="0123456789", min_size=4, max_size=4),
)
org_bodies = st.text(alphabet=USCC_CHARS, min_size=8, max_size=8)
valid_usccs = st.builds(build_uscc, st.sampled_from(VALID_AUTHORITY_TYPES), divisions, org_bodies)
birth_dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 12, 31))
valid_ids = st.builds(
    lambda division, born, seq: build_id(division, born.strftime("%Y%m%d"), seq),
    divisions,
    birth_dates,
    st.text(alphabet="0123456789", min_size=3, max_size=3),
)


# --- The reference implementation agrees with the standards' published examples -----------------


def test_reference_implementation_reproduces_the_standards_examples():
    assert ref_org_check("M000100Y") == "4"
    assert ref_uscc_check("91350100M000100Y4") == "3"
    assert ref_id_check("11010519491231002") == "X"


# --- USCC -----------------------------------------------------------------------------------


def test_uscc_example_of_the_standard_is_valid():
    assert check_uscc("91350100M000100Y43") == []
    validate_uscc("91350100M000100Y43")  # does not raise


def test_uscc_is_accepted_in_lower_case_and_with_surrounding_spaces():
    assert check_uscc("  91350100m000100y43 ") == []


@settings(max_examples=300, deadline=None)
@given(valid_usccs)
def test_uscc_generated_valid_codes_are_accepted(code):
    assert check_uscc(code) == []


@pytest.mark.parametrize("code", ["", "91350100M000100Y4", "91350100M000100Y433"])
def test_uscc_wrong_length_is_rejected_with_the_length(code):
    problems = check_uscc(code)
    assert len(problems) == 1
    assert "18 characters" in problems[0]
    assert f"this one has {len(code)}" in problems[0]


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_uscc_forbidden_letters_are_rejected_and_named(letter):
    code = "91350100M000100" + letter + "43"
    problems = check_uscc(code)
    assert len(problems) == 1
    assert "not allowed" in problems[0]
    assert problems[0].endswith(f": {letter}.")


def test_uscc_punctuation_is_rejected():
    problems = check_uscc("91350100-000100Y43")
    assert len(problems) == 1
    assert "not allowed" in problems[0] and "-" in problems[0]


def test_uscc_unknown_registration_authority_is_rejected():
    code = build_uscc("B1")
    problems = check_uscc(code)
    assert problems == ["B is not a registration authority code (position 1)."]


@pytest.mark.parametrize("pair", ["94", "22", "Y2", "15"])
def test_uscc_type_not_allowed_for_authority_is_rejected(pair):
    code = build_uscc(pair)
    problems = check_uscc(code)
    assert problems == [
        f"{pair[1]} is not an organisation type of registration authority {pair[0]} (position 2)."
    ]


@pytest.mark.parametrize("division", ["000000", "990100", "100000"])
def test_uscc_bad_division_code_is_rejected(division):
    code = build_uscc(division=division)
    problems = check_uscc(code)
    assert problems == [f"Positions 3-8 must be a GB/T 2260 division code; {division} is not."]


def test_uscc_wrong_organisation_code_check_char_is_rejected_with_the_expected_char():
    # M000100Y's GB 11714 check character is 4; put 5 there and keep the final check right.
    code = build_uscc(org_check="5")
    assert code[16] == "5"
    problems = check_uscc(code)
    assert len(problems) == 1
    assert "organisation code" in problems[0]
    assert "is 5 but should be 4" in problems[0]


def test_uscc_wrong_final_check_char_is_rejected_with_the_expected_char():
    problems = check_uscc("91350100M000100Y44")
    assert len(problems) == 1
    assert "position 18" in problems[0]
    assert "is 4 but should be 3" in problems[0]


def test_uscc_reports_several_problems_at_once():
    code = build_uscc("94", division="000000", org_check="5", final="0")
    problems = check_uscc(code)
    assert len(problems) == 4


def test_validate_uscc_raises_with_the_message():
    with pytest.raises(ValidationError) as info:
        validate_uscc("91350100M000100Y44")
    assert any("should be 3" in m for m in info.value.messages)


@pytest.mark.parametrize(
    ("validator", "value", "code"),
    [
        (validate_uscc, "91350100M000100Y44", "invalid_uscc"),
        (validate_id_number, "110105194912310021", "invalid_id_number"),
        (validate_division_code, "990100", "invalid_division_code"),
    ],
)
def test_validators_raise_errors_carrying_their_code(validator, value, code):
    with pytest.raises(ValidationError) as info:
        validator(value)
    assert [e.code for e in info.value.error_list] == [code]


@settings(max_examples=100, deadline=None)
@given(valid_usccs, st.integers(min_value=0, max_value=17), st.sampled_from(USCC_CHARS))
def test_uscc_any_single_substitution_breaks_the_final_check_char(code, position, replacement):
    """31 is prime and no weight is a multiple of it, so changing one character (within the
    alphabet) always changes the weighted sum mod 31: the final check character catches it."""
    assume(code[position] != replacement)
    mutated = code[:position] + replacement + code[position + 1 :]
    problems = check_uscc(mutated)
    expected = ref_uscc_check(mutated[:17])
    assert expected != mutated[17]
    assert any(f"should be {expected};" in p and "position 18" in p for p in problems), problems


@settings(max_examples=50, deadline=None)
@given(valid_usccs, st.integers(min_value=0, max_value=17))
def test_uscc_every_substitution_at_every_position_is_rejected(code, position):
    """Exhaustively over the alphabet and the forbidden letters for one position."""
    for replacement in USCC_CHARS + "IOSVZ":
        if replacement == code[position]:
            continue
        mutated = code[:position] + replacement + code[position + 1 :]
        assert check_uscc(mutated), mutated


# --- Organisation unit model ------------------------------------------------------------------


@pytest.mark.django_db
def test_org_unit_full_clean_rejects_a_bad_uscc_on_the_uscc_field():
    unit = OrgUnit(
        code="bad-uscc",
        name="单位",
        kind=OrgKind.DEPARTMENT,
        level=OrgLevel.MUNICIPAL,
        uscc="91350100M000100Y44",
    )
    with pytest.raises(ValidationError) as info:
        unit.full_clean()
    assert "uscc" in info.value.message_dict
    assert any("is 4 but should be 3" in m for m in info.value.message_dict["uscc"])


@pytest.mark.django_db
def test_org_unit_full_clean_accepts_a_valid_uscc():
    unit = OrgUnit(
        code="good-uscc",
        name="单位",
        kind=OrgKind.DEPARTMENT,
        level=OrgLevel.MUNICIPAL,
        uscc="91350100M000100Y43",
        division_code="350100",
    )
    unit.full_clean(exclude=["path", "depth", "numchild"])  # does not raise


# --- Resident ID numbers ----------------------------------------------------------------------


def test_id_number_example_of_the_standard_is_valid():
    assert check_id_number("11010519491231002X") == []
    assert check_id_number("11010519491231002x") == []
    validate_id_number("11010519491231002X")


def test_id_number_wrong_check_char_is_rejected_with_the_expected_char():
    problems = check_id_number("110105194912310021")
    assert len(problems) == 1
    assert "is 1 but should be X" in problems[0]


@pytest.mark.parametrize("born", ["19490231", "19491301", "19490000", "20230229"])
def test_id_number_impossible_date_is_rejected(born):
    problems = check_id_number(build_id(born=born))
    assert problems == [f"{born} is not a valid date of birth (positions 7-14)."]


def test_id_number_future_date_is_rejected():
    today = datetime.date(2026, 5, 1)
    code = build_id(born="20260502")
    problems = check_id_number(code, today=today)
    assert problems == ["The date of birth 2026-05-02 is not plausible."]
    assert check_id_number(build_id(born="20260501"), today=today) == []


def test_id_number_date_far_in_the_past_is_rejected():
    assert check_id_number(build_id(born="18791231")) == ["The date of birth 1879-12-31 is not plausible."]


def test_id_number_unknown_province_is_rejected():
    problems = check_id_number(build_id(division="990105"))
    assert problems == ["99 is not a province-level division code."]


@pytest.mark.parametrize("code", ["", "11010519491231002", "11010519491231002X1", "110105491231002"])
def test_id_number_wrong_length_is_rejected(code):
    problems = check_id_number(code)
    assert problems == [f"A resident ID number has 18 characters; this one has {len(code)}."]


@pytest.mark.parametrize("code", ["1101051949123100AX", "A1010519491231002X", "11010519491231002Y"])
def test_id_number_letters_are_rejected(code):
    assert check_id_number(code) == ["A resident ID number is 17 digits followed by a digit or X."]


def test_validate_id_number_raises_with_the_message():
    with pytest.raises(ValidationError) as info:
        validate_id_number("110105194912310021")
    assert info.value.messages == [
        "The check character is 1 but should be X; a digit may have been mistyped."
    ]


@settings(max_examples=300, deadline=None)
@given(valid_ids)
def test_id_number_generated_valid_numbers_are_accepted(code):
    assert check_id_number(code) == []


@settings(max_examples=100, deadline=None)
@given(valid_ids, st.sampled_from("0123456789X"))
def test_id_number_any_other_check_char_is_rejected(code, replacement):
    assume(code[17] != replacement)
    problems = check_id_number(code[:17] + replacement)
    assert problems == [
        f"The check character is {replacement} but should be {code[17]}; a digit may have been mistyped."
    ]


@settings(max_examples=100, deadline=None)
@given(valid_ids, st.integers(min_value=0, max_value=16), st.sampled_from("0123456789"))
def test_id_number_single_digit_substitution_in_the_body_is_rejected(code, position, digit):
    """11 is prime and no weight is a multiple of it, so one changed digit changes the sum mod 11."""
    assume(code[position] != digit)
    mutated = code[:position] + digit + code[position + 1 :]
    assert ref_id_check(mutated[:17]) != mutated[17]
    assert check_id_number(mutated)


# --- Division codes ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["110105", "350100", "640100", "810000", "360902"])
def test_division_code_valid(code):
    assert check_division_code(code) == []
    validate_division_code(code)


@pytest.mark.parametrize("code", ["", "11010", "1101050", "11010a", "11 105"])
def test_division_code_must_be_six_digits(code):
    assert check_division_code(code) == ["A division code has exactly 6 digits (GB/T 2260)."]


@pytest.mark.parametrize("code", ["000000", "990100", "100101", "390000"])
def test_division_code_must_start_with_a_province(code):
    assert check_division_code(code) == [f"{code[:2]} is not a province-level code of GB/T 2260."]


def test_validate_division_code_raises_with_the_message():
    with pytest.raises(ValidationError) as info:
        validate_division_code("990100")
    assert info.value.messages == ["99 is not a province-level code of GB/T 2260."]


# --- Non-ASCII digits -------------------------------------------------------------------------
# str.isdigit() accepts "²" (and other Unicode digits) that int() rejects; only 0-9 count.


@pytest.mark.parametrize("code", ["11²²²²", "11010٣", "１１０１０５"])
def test_division_code_rejects_non_ascii_digits(code):
    assert check_division_code(code) == ["A division code has exactly 6 digits (GB/T 2260)."]


def test_org_code_rejects_non_ascii_digits():
    from portal.validators import check_org_code

    assert check_org_code("1234567²X") == [
        "The organisation code contains characters that are not allowed: ²."
    ]


@pytest.mark.parametrize("value", ["110101199003070²1X", "11010119900307021²", "١10101199003070211"])
def test_id_number_rejects_non_ascii_digits(value):
    assert check_id_number(value) == ["A resident ID number is 17 digits followed by a digit or X."]


def test_uscc_rejects_non_ascii_digits():
    assert check_uscc("91350100M0000²0000")  # a problem, not a crash
