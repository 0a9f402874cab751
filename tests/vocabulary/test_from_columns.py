"""Families straight from attribute columns of the metadata: ground truth values, spelling variants as forms."""

import pytest

from engine.vocabulary import (AttributeValue, Vocabulary, VocabularyError, merge_vocabularies,
                               vocabulary_from_columns)
from engine.vocabulary.from_columns import column_values

ROWS = [
    {"item_id": "a", "color": "Teal", "material": "rattan", "room": "kitchen", "kind": "mug", "style": "Mid Century"},
    {"item_id": "b", "color": "teal", "material": "Wicker", "room": "bedroom", "kind": "vase", "style": "mid-century"},
    {"item_id": "c", "color": "crème", "material": "naturholz", "room": "kitchen", "kind": "mug", "style": "mid-century"},
    {"item_id": "d", "color": None, "material": '["oak", "rattan"]', "room": "", "kind": "lamp", "style": "boho"},
]


def test_columns_become_families_with_counted_values():
    vocab = vocabulary_from_columns(ROWS, ["color", "material", "room", "style"], product_type="kind", source="columns:t")
    assert vocab.family_names == ("color", "material", "kind", "room", "style")  # visible, product type, others
    assert vocab.product_type == "kind" and vocab.visible_families == ("color", "material", "kind")
    assert vocab.family("color").names == ("teal", "crème")  # most items first; non-ASCII kept
    assert vocab.family("material").names == ("rattan", "naturholz", "oak", "wicker")  # a JSON list: one value each
    assert vocab.family("style").values == (AttributeValue("mid-century", ("mid century",)), AttributeValue("boho"))
    assert vocab.family("kind").pivot == "as a {}" and vocab.family("room").pivot == "for the {}"
    assert vocab.family("room").aspects == ("room",) and vocab.source == "columns:t"


def test_column_values_normalise_and_skip_empty():
    assert column_values({"x": "  Sage   GREEN "}, "x") == ["sage green"]
    assert column_values({"x": ""}, "x") == [] and column_values({}, "x") == []
    assert column_values({"x": 42}, "x") == ["42"]


def test_bad_columns_are_named():
    with pytest.raises(VocabularyError, match="'colour': no item has a value in it; .*color"):
        vocabulary_from_columns(ROWS, ["colour"])
    with pytest.raises(VocabularyError, match="'flat' has one value \\('yes'\\)"):
        vocabulary_from_columns([{"flat": "yes"}, {"flat": "Yes"}], ["flat"])
    with pytest.raises(VocabularyError, match="no attribute columns"):
        vocabulary_from_columns(ROWS, [" "])


def test_columns_update_the_current_vocabulary():
    current = vocabulary_from_columns(ROWS, ["room", "kind"], product_type="kind")
    new = vocabulary_from_columns(ROWS, ["room", "color"])
    merged = merge_vocabularies(current, new)
    assert merged.family_names == ("kind", "room", "color") and merged.product_type == "kind"
    assert isinstance(merged, Vocabulary)
