"""apply_pivot and enriched_query_text: the reference's attributes, changed, as search words."""

from __future__ import annotations

import pytest

from engine.query import PivotError, apply_pivot, parse_query_text
from engine.query import enriched_query_text as _enriched
from sample_data.workspace_vocabulary import WORD_ORDER
from tests.vocab import fashion_lexicon


def enriched_query_text(attributes, extra_words=""):
    return _enriched(attributes, extra_words, WORD_ORDER)

BLUE_STRIPED_SHIRT = {"category": "shirt", "pattern": "striped", "color": "blue"}


def test_blue_striped_shirt_in_red():
    targets = parse_query_text("in red", fashion_lexicon()).targets
    pivoted = apply_pivot(BLUE_STRIPED_SHIRT, targets)
    assert pivoted == {"category": "shirt", "pattern": "striped", "color": "red"}
    assert enriched_query_text(pivoted) == "red striped shirt"
    assert BLUE_STRIPED_SHIRT["color"] == "blue"  # the reference is not changed in place


def test_pivot_adds_a_family_the_reference_lacks():
    pivoted = apply_pivot(BLUE_STRIPED_SHIRT, {"occasion": "wedding"})
    assert pivoted == {**BLUE_STRIPED_SHIRT, "occasion": "wedding"}
    assert enriched_query_text(pivoted) == "blue striped shirt wedding"


def test_word_order_color_pattern_material_category_then_style_season_occasion():
    attributes = {"occasion": "party", "season": "summer", "style": "boho", "category": "shirt",
                  "material": "cotton", "pattern": "striped", "color": "red"}
    assert enriched_query_text(attributes) == "red striped cotton shirt boho summer party"


def test_unknown_families_follow_by_name_and_extra_words_come_last():
    attributes = {"zfit": "slim", "brand": "acme", "category": "dress"}
    assert enriched_query_text(attributes, "  for  my sister ") == "dress acme slim for my sister"
    assert enriched_query_text({}, "") == ""
    assert enriched_query_text({"color": "", "category": "coat"}) == "coat"


@pytest.mark.parametrize(
    ("reference", "targets"),
    [(["blue"], {}), ({"color": 1}, {}), ({}, {"color": None}), ({1: "red"}, {})],
)
def test_bad_mappings_are_refused(reference, targets):
    with pytest.raises(PivotError):
        apply_pivot(reference, targets)


def test_bad_extra_words_are_refused():
    with pytest.raises(PivotError, match="extra_words must be a str"):
        enriched_query_text({"color": "red"}, None)
