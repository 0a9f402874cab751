"""The search benchmark's grades (sample_data.relevance.pivot_grade / descriptor_grade), level by level."""

from __future__ import annotations

import pytest

from sample_data.benchmark_queries import BenchQuery
from engine.records import Query
from sample_data.relevance import descriptor_grade, pivot_grade


def item(category=None, color=None, pattern=None, material=None, **others) -> dict[str, str]:
    values = {"category": category, "color": color, "pattern": pattern, "material": material, **others}
    return {k: v for k, v in values.items() if v is not None}


# Reference: a blue striped cotton shirt. Pivot: "in red" (color -> red); kept: pattern, material.
SHIRT = item("shirt", "blue", "striped", "cotton", style="classic")

PIVOT_CASES = [
    (item("shirt", "red", "striped", "cotton"), 4, "category + target + every kept"),
    (item("shirt", "red", "striped", "cotton", style="boho"), 4, "style is not a kept family"),
    (item("shirt", "red", "striped", "linen"), 3, "kept material missed"),
    (item("shirt", "red", "plaid", "cotton"), 3, "kept pattern missed"),
    (item("shirt", "red", "plaid", "linen"), 2, "both kept missed"),
    (item("shirt", "blue", "striped", "cotton"), 1, "the reference's twin: target missed"),
    (item("dress", "red", "striped", "cotton"), 1, "target and kept, wrong category"),
    (item("dress", "green", "striped", "cotton"), 0, "neither category nor target (kept alone count nothing)"),
    ({}, 0, "a scene: no attributes"),
]


@pytest.mark.parametrize("candidate, grade, why", PIVOT_CASES, ids=[c[2] for c in PIVOT_CASES])
def test_pivot_grade(candidate, grade, why):
    assert pivot_grade(SHIRT, "color", "red", candidate) == grade


def test_pivot_grade_of_a_pattern_keeps_color_and_material():
    assert pivot_grade(SHIRT, "pattern", "plaid", item("shirt", "blue", "plaid", "cotton")) == 4
    assert pivot_grade(SHIRT, "pattern", "plaid", item("shirt", "navy", "plaid", "cotton")) == 3
    assert pivot_grade(SHIRT, "pattern", "plaid", item("shirt", "blue", "striped", "cotton")) == 1


# Descriptor: "same pattern" of the striped shirt.
DESCRIPTOR_CASES = [
    (item("shirt", "blue", "striped", "linen"), 4, "category + aspect + color shared"),
    (item("shirt", "red", "striped", "cotton"), 4, "category + aspect + material shared"),
    (item("shirt", "red", "striped", "linen"), 3, "category + aspect, nothing more"),
    (item("dress", "blue", "striped", "cotton"), 2, "aspect in another category (more shared does not lift it)"),
    (item("shirt", "blue", "plaid", "cotton"), 1, "category only"),
    (item("dress", "blue", "plaid", "cotton"), 0, "neither category nor aspect"),
    ({}, 0, "a scene"),
]


@pytest.mark.parametrize("candidate, grade, why", DESCRIPTOR_CASES, ids=[c[2] for c in DESCRIPTOR_CASES])
def test_descriptor_grade(candidate, grade, why):
    assert descriptor_grade(SHIRT, "pattern", candidate) == grade


def test_descriptor_grade_needs_the_family_on_the_reference():
    with pytest.raises(ValueError, match="no 'material' value"):
        descriptor_grade(item("hat", "red", "solid"), "material", item("hat", "red", "solid", "knit"))


def test_bench_query_grade_dispatches_on_intent_and_reference():
    truth = {"ref": SHIRT, "a": item("shirt", "red", "striped", "cotton"), "scene": {}}
    pivot = BenchQuery("pivot-000", "pivot", "pivot", Query("in red", item_id="ref"), "ref", "color", "red")
    crop = BenchQuery("crop-000", "crop", "descriptor", Query("same color", item_id="scene", crop=(0, 0, 5, 5)),
                      "ref", "color", None)
    assert pivot.grade(truth, "a") == 4
    assert crop.grade(truth, "a") == 1  # same category, other color
    assert crop.grade(truth, "ref") == 4  # the cropped product itself
    assert pivot.grade(truth, "unknown-id") == 0
    assert crop.excluded() == "scene"
