"""Masking personal data for the public (portal.masking): the documented examples, and properties
that hold for any input — same length, nothing revealed beyond what is kept, idempotent."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.masking import MASK, mask_id_number, mask_name, mask_phone, mask_text

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("张三丰", "张*丰"),
        ("欧阳娜娜", "欧**娜"),
        ("司马相如之", "司***之"),
        ("王", "王"),
        ("John Smith", "J*** S****"),
        ("Anne-Marie O'Neil", "A***-M**** O'N***"),
        ("", ""),
        (None, ""),
    ],
)
def test_names_are_masked_as_documented(name, masked):
    assert mask_name(name) == masked


def test_id_numbers_and_phones_are_masked_as_documented():
    assert mask_id_number("110101199003071234") == "1101**********1234"
    assert mask_id_number("11010119900307123X") == "1101**********123X"
    assert mask_id_number("12345678") == "******78"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "+86 138-****-5678"
    assert mask_phone("0951-6012345") == "****-***2345"


def test_free_text_has_its_id_and_phone_numbers_masked_but_not_a_credit_code():
    text = "负责人身份证号码110101199003071234，电话13812345678；统一社会信用代码91640100MA76XXXX1K。"
    masked = mask_text(text)
    assert "110101199003071234" not in masked and "1101**********1234" in masked
    assert "138****5678" in masked
    assert "91640100MA76XXXX1K" in masked


@given(st.text(CJK, min_size=2, max_size=8))
def test_a_chinese_name_keeps_its_length_first_character_and_hides_the_middle(name):
    masked = mask_name(name)
    assert len(masked) == len(name)
    assert masked[0] == name[0]
    assert masked[1:-1] == MASK * (len(name) - 2)
    assert masked[-1] == (MASK if len(name) == 2 else name[-1])
    assert mask_name(masked) == masked


@given(
    st.lists(
        st.text(st.characters(min_codepoint=ord("a"), max_codepoint=ord("z")), min_size=1, max_size=10),
        min_size=1,
        max_size=4,
    )
)
def test_a_latin_name_keeps_only_each_words_initial(words):
    name = " ".join(w.capitalize() for w in words)
    masked = mask_name(name)
    assert len(masked) == len(name)
    assert [w[0] for w in masked.split(" ")] == [w[0] for w in name.split(" ")]
    assert set(masked.replace(" ", "")) - {MASK} <= {w[0] for w in name.split(" ")}
    assert mask_name(masked) == masked


@given(st.text(st.sampled_from("0123456789X"), min_size=1, max_size=24))
def test_an_id_number_never_shows_more_than_its_first_and_last_four(value):
    masked = mask_id_number(value)
    assert len(masked) == len(value)
    shown = [i for i, c in enumerate(masked) if c != MASK]
    assert all(masked[i] == value[i] for i in shown)
    assert len(shown) <= min(8, len(value) - 1) or (len(value) == 1 and not shown)
    if len(value) > 8:
        assert masked[:4] == value[:4] and masked[-4:] == value[-4:]
    assert mask_id_number(masked) == masked


@given(st.from_regex(r"\A1[3-9]\d{9}\Z"), st.sampled_from(["", "+86 ", "86-"]))
def test_a_mobile_number_keeps_three_and_four_digits(number, prefix):
    masked = mask_phone(prefix + number)
    assert masked == prefix + number[:3] + "****" + number[-4:]
    assert mask_phone(masked) == masked
    assert mask_text(f"电话{prefix}{number}。") == f"电话{masked}。"
