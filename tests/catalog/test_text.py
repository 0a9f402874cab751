"""Text cleaning and value parsing, as tables of (input, expected)."""

import math
import unicodedata

import pytest

from engine.catalog.problems import RowError
from engine.catalog.text import MAX_ITEM_ID_CHARS, clean_item_id, clean_optional_text, clean_text
from engine.catalog.values import parse_kind, parse_list, parse_price, parse_text

DECOMPOSED_E = "e\u0301"  # e + combining acute: NFC makes it one code point


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("caf" + DECOMPOSED_E, "caf\u00e9"),  # NFC
        ("zero\u200bwidth", "zerowidth"),  # zero-width space
        ("word\u2060joiner", "wordjoiner"),
        ("in\ufeffside", "inside"),  # a stray BOM inside a field
        ("evil\u202egnp.exe", "evilgnp.exe"),  # right-to-left override
        ("\u2066isolated\u2069", "isolated"),  # bidi isolates
        ("nul\x00byte", "nulbyte"),
        ("bell\x07 esc\x1b del\x7f c1\x85", "bell esc del c1"),
        ("line\nbreak\ttab", "line\nbreak\ttab"),  # kept
        ("crlf\r\nline", "crlf\nline"),
        ("emoji 👗✨ family 👨\u200d👩\u200d👧", "emoji 👗✨ family 👨\u200d👩\u200d👧"),  # ZWJ kept
        ("连衣裙 ワンピース 원피스", "连衣裙 ワンピース 원피스"),
        ("Ñandú crème brûlée", "Ñandú crème brûlée"),
        ("مرحبا\u200f", "مرحبا\u200f"),  # right-to-left mark is part of RTL text, kept
    ],
)
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected
    assert unicodedata.is_normalized("NFC", clean_text(raw))


def test_optional_text_strips_and_empties_to_none():
    assert clean_optional_text("  \u200b  ") is None
    assert clean_optional_text("  hi ") == "hi"


def test_item_id_is_cleaned_and_stripped():
    assert clean_item_id("  sku-" + DECOMPOSED_E + "\u202e ") == "sku-\u00e9"


@pytest.mark.parametrize(
    "raw, needle",
    [("   ", "empty"), ("\u200b", "empty"), ("x" * (MAX_ITEM_ID_CHARS + 1), "more than 200"), ("a\tb", "tab")],
)
def test_bad_item_ids(raw, needle):
    with pytest.raises(RowError, match=needle):
        clean_item_id(raw)


def test_item_id_at_the_limit_is_fine():
    assert clean_item_id("x" * MAX_ITEM_ID_CHARS) == "x" * MAX_ITEM_ID_CHARS


@pytest.mark.parametrize(
    "raw, expected",
    [
        (None, ()),
        ("", ()),
        ("red|summer", ("red", "summer")),
        (" red | | summer ", ("red", "summer")),
        ('["red", "sum|mer"]', ("red", "sum|mer")),
        (["a", None, " b ", 3], ("a", "b", "3")),
        ("single", ("single",)),
    ],
)
def test_parse_list(raw, expected):
    assert parse_list("tags", raw) == expected


@pytest.mark.parametrize("raw", ['["unclosed"', 42, [{"a": 1}], '[{"a": 1}]'])
def test_parse_list_rejects(raw):
    with pytest.raises(RowError) as caught:
        parse_list("tags", raw)
    assert caught.value.column == "tags"


@pytest.mark.parametrize("raw, expected", [("19.99", 19.99), (" 0 ", 0.0), (5, 5.0), (None, None), ("", None)])
def test_parse_price(raw, expected):
    assert parse_price("price", raw) == expected


@pytest.mark.parametrize("raw", ["$12", "1,299.00", "abc", "-1", -0.5, True, "inf", [1]])
def test_parse_price_rejects(raw):
    with pytest.raises(RowError) as caught:
        parse_price("price", raw)
    assert str(raw) in caught.value.problem and caught.value.fix


def test_parse_price_nan_is_missing():
    assert parse_price("price", math.nan) is None


@pytest.mark.parametrize("raw, expected", [(None, "product"), ("", "product"), ("Scene", "scene"), ("product", "product")])
def test_parse_kind(raw, expected):
    assert parse_kind("kind", raw) == expected


def test_parse_kind_rejects_unknown_and_names_choices():
    with pytest.raises(RowError, match="product, scene"):
        parse_kind("kind", "outfit")


def test_parse_text_accepts_numbers_rejects_lists():
    assert parse_text("title", 42) == "42"
    with pytest.raises(RowError, match="not text"):
        parse_text("title", ["a"])
