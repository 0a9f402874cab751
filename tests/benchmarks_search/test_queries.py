"""The search benchmark's query builder on a tiny hand-made catalog (items.parquet only: no image is read)."""

from __future__ import annotations

import itertools
from collections import Counter

import pandas as pd
import pytest

from sample_data.benchmark_queries import QuerySetError, build_query_set, scene_boxes
from engine.models.training.pairs import is_held_out
from tests.vocab import fashion_lexicon
from engine.query.parse import parse_query_text
from sample_data.relevance import load_sample_truth

HOLDOUT = 0.5  # a tiny catalog holds few items at the real 10%; the rule is the same
N, CROPS = 12, 4
GRID = list(itertools.product(("shirt", "dress"), ("red", "blue", "black"), ("solid", "striped"), ("cotton", "linen")))


@pytest.fixture(scope="module")
def sample_catalog(tmp_path_factory):
    """Every (category, color, pattern, material) of GRID twice (so every pivot has a perfect answer), and ten
    scenes of three boxes each."""
    rows = [{"item_id": f"p{n:03d}", "image_path": f"images/p{n:03d}.jpg", "kind": "product", "category": c,
             "color": co, "pattern": pa, "material": m, "style": "classic", "season": None, "occasion": None,
             "objects": None}
            for n, (c, co, pa, m) in enumerate(GRID * 2)]
    for s in range(10):
        objects = [{"item_id": f"p{(7 * s + j) % len(rows):03d}", "x0": 10 * j, "y0": 5, "x1": 10 * j + 9, "y1": 40}
                   for j in range(3)]
        rows.append({"item_id": f"s{s:03d}", "image_path": f"images/s{s:03d}.jpg", "kind": "scene",
                     "category": None, "color": None, "pattern": None, "material": None, "style": None,
                     "season": None, "occasion": None, "objects": objects})
    folder = tmp_path_factory.mktemp("catalog")
    pd.DataFrame(rows).to_parquet(folder / "items.parquet")
    return folder


@pytest.fixture(scope="module")
def queries(sample_catalog):
    return build_query_set(sample_catalog, n=N, n_crops=CROPS, seed=5, holdout_fraction=HOLDOUT)


@pytest.fixture(scope="module")
def truth(sample_catalog):
    return load_sample_truth(sample_catalog / "items.parquet")


def test_counts_per_type_and_unique_ids(queries):
    assert Counter(q.kind for q in queries) == {"pivot": N // 2, "descriptor": N // 2, "crop": CROPS}
    assert len({q.query_id for q in queries}) == len(queries)
    assert {q.intent for q in queries if q.kind == "crop"} <= {"pivot", "descriptor"}


def test_same_seed_same_queries_other_seed_others(sample_catalog, queries):
    again = build_query_set(sample_catalog, n=N, n_crops=CROPS, seed=5, holdout_fraction=HOLDOUT)
    other = build_query_set(sample_catalog, n=N, n_crops=CROPS, seed=6, holdout_fraction=HOLDOUT)
    assert again == queries
    assert other != queries


def test_references_are_held_out_by_the_sample_model_split(queries):
    for q in queries:
        shown = q.query.item_id  # the reference item, or the scene a crop is cut from
        assert is_held_out(shown, HOLDOUT), q
        if q.kind != "crop":
            assert q.reference_id == shown


def test_pivot_targets_differ_and_have_a_perfect_answer(queries, truth):
    for q in (q for q in queries if q.intent == "pivot"):
        reference = truth[q.reference_id]
        assert q.family in ("color", "pattern", "material") and q.target != reference[q.family], q
        same_category = {i for i, a in truth.items() if a.get("category") == reference["category"]}
        assert any(truth[i].get(q.family) == q.target for i in same_category), q
        assert any(q.grade(truth, i) == 4 for i in truth if i != q.excluded()), q


def assert_texts_say_what_they_mean(queries):
    lexicon = fashion_lexicon()
    for q in queries:
        parsed = parse_query_text(q.query.text, lexicon)
        assert parsed.mode == q.intent, q
        if q.intent == "pivot":
            assert parsed.targets.get(q.family) == q.target, q
        else:
            assert q.family in parsed.aspect_families, q


def test_texts_say_what_the_query_means(queries):
    assert_texts_say_what_they_mean(queries)


def test_crops_are_object_boxes_of_their_scene(sample_catalog, queries):
    boxes = {(scene, box): product for scene, box, product in scene_boxes(sample_catalog)}
    for q in (q for q in queries if q.kind == "crop"):
        assert boxes[(q.query.item_id, tuple(int(c) for c in q.query.crop))] == q.reference_id


def test_too_many_crops_is_a_clear_error(sample_catalog):
    with pytest.raises(QuerySetError, match="object boxes in held-out scenes"):
        build_query_set(sample_catalog, n=N, n_crops=10_000, holdout_fraction=HOLDOUT)


def test_held_out_phrasings_are_the_same_queries_in_other_words(sample_catalog, queries):
    from sample_data.benchmark_queries import (DESCRIPTOR_TEMPLATES, HELD_OUT_DESCRIPTOR_TEMPLATES,
                                               HELD_OUT_PIVOT_TEMPLATES, PIVOT_TEMPLATES)

    held = build_query_set(sample_catalog, n=N, n_crops=CROPS, seed=5, holdout_fraction=HOLDOUT,
                           templates="held_out")
    same = lambda q: (q.query_id, q.intent, q.reference_id, q.family, q.target, q.query.item_id, q.query.crop)
    assert [same(q) for q in held] == [same(q) for q in queries]
    assert all(h.query.text != q.query.text for h, q in zip(held, queries))
    tuning = {t for ts in PIVOT_TEMPLATES.values() for t in ts} | set(DESCRIPTOR_TEMPLATES)
    held_out = {t for ts in HELD_OUT_PIVOT_TEMPLATES.values() for t in ts} | set(HELD_OUT_DESCRIPTOR_TEMPLATES)
    assert not tuning & held_out
    assert_texts_say_what_they_mean(held)  # the held-out words still say what the query means


def test_an_unknown_template_set_is_named(sample_catalog):
    with pytest.raises(QuerySetError, match="unknown template set 'mine'.*tuning, held_out"):
        build_query_set(sample_catalog, n=N, n_crops=CROPS, seed=5, holdout_fraction=HOLDOUT, templates="mine")
