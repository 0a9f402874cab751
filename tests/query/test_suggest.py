"""Pivot suggestions read as English: the template's article agrees with the value."""

from __future__ import annotations

import pytest

from engine.query.suggest import pivot_phrase, suggest_queries


@pytest.mark.parametrize("template, value, expected", [
    ("as a {}", "dress", "as a dress"),
    ("as a {}", "jeans", "as jeans"),  # already plural: no article
    ("as a {}", "sneakers", "as sneakers"),
    ("as a {}", "overcoat", "as an overcoat"),
    ("as an {}", "t-shirt", "as a t-shirt"),
    ("in {}", "red", "in red"),
    ("for the {}", "bedroom", "for the bedroom"),
    ("made of {}", "leather", "made of leather"),
])
def test_pivot_phrase(template, value, expected):
    assert pivot_phrase(template, value) == expected


@pytest.mark.parametrize("template, value, aspect, expected", [
    ("in {}", "striped", "pattern", "in a striped pattern"),  # not "in striped"
    ("in {}", "embroidered", "pattern", "in an embroidered pattern"),
    ("in {}", "floral", "pattern", "in floral"),
    ("in {}", "red", "color palette", "in red"),  # a colour, not a participle
    ("in {}", "striped", None, "in striped"),  # no aspect word to name
])
def test_a_participle_names_the_aspect(template, value, aspect, expected):
    assert pivot_phrase(template, value, aspect) == expected


def test_no_suggestion_reads_a_before_a_plural_or_in_before_a_participle():
    from sample_data.workspace_vocabulary import fashion_vocabulary

    reading = {"category": "dress", "color": "blue", "pattern": "solid"}
    suggestions = suggest_queries(reading, dict.fromkeys(reading, 0.9), fashion_vocabulary(), per_family=20)
    texts = {s.text for s in suggestions}
    assert {"as jeans", "as boots", "as a skirt", "in red", "in a striped pattern"} <= texts
    assert not any(t.startswith("as a ") and t.endswith("s") and not t.endswith("ss") for t in texts)
    assert not any(t.startswith("in ") and t.endswith("ed") and t != "in red" for t in texts)
