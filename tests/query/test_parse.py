"""parse_query_text: the pivot / descriptor / none rule, pinned by one table of real-looking queries."""

from __future__ import annotations

import json

import pytest

from engine.query import parse_query_text
from tests.vocab import fashion_lexicon

# (text, mode, targets, aspect_families, excluded)
TABLE = [
    # pivots: a value named, however phrased
    ("in red", "pivot", {"color": "red"}, (), {}),
    ("red", "pivot", {"color": "red"}, (), {}),
    ("with stripes", "pivot", {"pattern": "striped"}, (), {}),
    ("for a wedding", "pivot", {"occasion": "wedding"}, (), {}),
    ("but leather", "pivot", {"material": "leather"}, (), {}),
    ("but in leather", "pivot", {"material": "leather"}, (), {}),
    ("make it floral", "pivot", {"pattern": "floral"}, (), {}),
    ("in a summer style", "pivot", {"season": "summer"}, ("style",), {}),
    ("with polka dots", "pivot", {"pattern": "polka dot"}, (), {}),
    ("flowery", "pivot", {"pattern": "floral"}, (), {}),
    ("in scarlet", "pivot", {"color": "red"}, (), {}),
    ("Tartan please", "pivot", {"pattern": "plaid"}, (), {}),
    ("in navy blue", "pivot", {"color": "navy"}, (), {}),
    ("as a t-shirt", "pivot", {"category": "t-shirt"}, (), {}),
    ("for the office", "pivot", {"occasion": "office"}, (), {}),
    ("more boho", "pivot", {"style": "boho"}, (), {}),
    ("winter version", "pivot", {"season": "winter"}, (), {}),
    ("as ankle boots", "pivot", {"category": "boots"}, (), {}),
    # text-only style queries parse the same way; the caller makes them "text" mode
    ("red floral dress", "pivot", {"color": "red", "pattern": "floral", "category": "dress"}, (), {}),
    ("black leather jackets for fall", "pivot",
     {"color": "black", "material": "leather", "category": "jacket", "season": "fall"}, (), {}),
    ("striped linen shirts for the beach", "pivot",
     {"pattern": "striped", "material": "linen", "category": "shirt", "occasion": "beach"}, (), {}),
    ("blue shirt but in red", "pivot", {"color": "red", "category": "shirt"}, (), {}),  # last mention wins
    # a descriptor that also names a value is a pivot with the aspects kept
    ("similar style but in red", "pivot", {"color": "red"}, ("style",), {}),
    ("same pattern in green", "pivot", {"color": "green"}, ("pattern",), {}),
    ("this vibe for a party", "pivot", {"occasion": "party"}, ("style",), {}),
    # change cue + aspect and no value: vary that aspect
    ("in a different color", "pivot", {}, ("color",), {}),
    ("other patterns", "pivot", {}, ("pattern",), {}),
    # negation: excluded, not targeted
    ("without stripes", "pivot", {}, (), {"pattern": "striped"}),
    ("not red", "pivot", {}, (), {"color": "red"}),
    ("non-leather boots", "pivot", {"category": "boots"}, (), {"material": "leather"}),
    # descriptors: aspects or similarity, no value
    ("the color palette of this", "descriptor", {}, ("color",), {}),
    ("same pattern", "descriptor", {}, ("pattern",), {}),
    ("this style", "descriptor", {}, ("style",), {}),
    ("similar material", "descriptor", {}, ("material",), {}),
    ("the colors of this room", "descriptor", {}, ("color",), {}),
    ("outfit like this", "descriptor", {}, (), {}),
    ("similar print", "descriptor", {}, ("pattern",), {}),
    ("that vibe", "descriptor", {}, ("style",), {}),
    ("same fabric and texture", "descriptor", {}, ("material",), {}),
    ("the pattern and the colour palette", "descriptor", {}, ("pattern", "color"), {}),
    ("right season and occasion", "descriptor", {}, ("season", "occasion"), {}),
    ("more like this", "descriptor", {}, (), {}),
    # none: nothing the lexicon knows
    ("", "none", {}, (), {}),
    ("hello there", "none", {}, (), {}),
    ("'; DROP TABLE items; --", "none", {}, (), {}),
    ("redder shirting", "none", {}, (), {}),  # word boundaries: no "red", no "shirt"
]


@pytest.mark.parametrize(("text", "mode", "targets", "aspects", "excluded"), TABLE, ids=[row[0] or "<empty>" for row in TABLE])
def test_parse_table(text, mode, targets, aspects, excluded):
    parsed = parse_query_text(text, fashion_lexicon())
    assert (parsed.mode, parsed.targets, parsed.aspect_families, parsed.excluded) == (mode, targets, aspects, excluded)


def test_table_is_big_enough_and_covers_every_mode():
    assert len(TABLE) >= 30
    assert {row[1] for row in TABLE} == {"pivot", "descriptor", "none"}


def test_last_mention_sorts_last_in_targets():
    parsed = parse_query_text("red shirt, actually blue", fashion_lexicon())
    assert list(parsed.targets.items()) == [("category", "shirt"), ("color", "blue")]


def test_value_both_negated_and_named_keeps_the_last_reading():
    lexicon = fashion_lexicon()
    assert parse_query_text("not red, red", lexicon).targets == {"color": "red"}
    assert parse_query_text("not red, red", lexicon).excluded == {}
    assert parse_query_text("red, no red", lexicon).excluded == {"color": "red"}
    assert parse_query_text("red, no red", lexicon).targets == {}


def test_cleaned_text_and_truncation_are_reported():
    parsed = parse_query_text("  in\tRED\u202e  ", fashion_lexicon())
    assert (parsed.cleaned_text, parsed.truncated, parsed.targets) == ("in RED", False, {"color": "red"})
    long = parse_query_text("red " * 2500, fashion_lexicon(), max_chars=20)  # 10,000 characters
    assert long.truncated and len(long.cleaned_text) <= 20 and long.targets == {"color": "red"}


@pytest.mark.parametrize(
    "text",
    ["x" * 10_000, "red\x00shirt", "'\"; DROP TABLE items; --", "\u202ered\u202c", "\ud800 lone surrogate", "😀 in 🟥"],
)
def test_hostile_text_parses_without_error(text):
    parsed = parse_query_text(text, fashion_lexicon())
    assert parsed.mode in ("pivot", "descriptor", "none")
    assert "\x00" not in parsed.cleaned_text and len(parsed.cleaned_text) <= 500


def test_nul_splits_words_rather_than_joining_them():
    # NUL is removed, not turned into a space: "red\x00shirt" reads as one word, matching nothing
    assert parse_query_text("red\x00shirt", fashion_lexicon()).targets == {}


def test_to_dict_is_json_ready():
    parsed = parse_query_text("similar style but in red", fashion_lexicon())
    assert json.loads(json.dumps(parsed.to_dict())) == {
        "mode": "pivot",
        "targets": {"color": "red"},
        "aspect_families": ["style"],
        "cleaned_text": "similar style but in red",
        "excluded": {},
        "truncated": False,
    }
