"""clean_query_text: control and bidi characters, NFC, whitespace, truncation."""

from __future__ import annotations

import unicodedata

import pytest

from engine.query import CleanedText, QueryTextError, clean_query_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  red   dress ", "red dress"),
        ("red\tdress\nplease\r\n", "red dress please"),
        ("red\x00dress", "reddress"),  # NUL removed, not spaced
        ("\u202eevil\u202c text\u2066", "evil text"),  # bidi overrides and isolates
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("cafe\u0301", "caf\u00e9"),  # NFC composes
        ("\x07bell\x1b[31m", "bell[31m"),
        ("\ud800x", "x"),
        ("", ""),
    ],
)
def test_clean(raw, expected):
    assert clean_query_text(raw) == CleanedText(expected, False)


def test_nfc_after_stripping_composes_across_a_removed_character():
    assert clean_query_text("e\u200b\u0301").text == unicodedata.normalize("NFC", "e\u0301")


def test_truncation_flag_and_length():
    text = "ab " * 3334  # 10,002 characters
    cleaned = clean_query_text(text, max_chars=500)
    assert cleaned.truncated
    assert cleaned.text == ("ab " * 167)[:500].rstrip()
    assert clean_query_text("ab", max_chars=2) == ("ab", False)
    assert clean_query_text("abc", max_chars=2) == ("ab", True)


@pytest.mark.parametrize(("text", "max_chars"), [(b"red", 500), (None, 500), ("red", 0), ("red", -1), ("red", True), ("red", 2.5)])
def test_bad_input_is_refused(text, max_chars):
    with pytest.raises(QueryTextError):
        clean_query_text(text, max_chars)
