"""The quality benchmark's measures on a hand-graded two-query run (eval's kernels, missing results grade 0)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from benchmarks.bench_search_quality import graded_batch, ideal_grades, per_query_measures
from sample_data.benchmark_queries import BenchQuery
from engine.records import Query

TRUTH = {
    "ref": {"category": "shirt", "color": "blue", "pattern": "striped", "material": "cotton"},
    "perfect": {"category": "shirt", "color": "red", "pattern": "striped", "material": "cotton"},  # pivot 4
    "one_off": {"category": "shirt", "color": "red", "pattern": "plaid", "material": "cotton"},  # pivot 3
    "twin": {"category": "shirt", "color": "blue", "pattern": "striped", "material": "linen"},  # pivot 1
    "scene": {},  # 0
}
PIVOT = BenchQuery("pivot-000", "pivot", "pivot", Query("in red", item_id="ref"), "ref", "color", "red")
DESCRIPTOR = BenchQuery("descriptor-000", "descriptor", "descriptor", Query("same pattern", item_id="ref"), "ref",
                        "pattern", None)


def test_ideal_leaves_out_the_reference_and_sorts_descending():
    assert ideal_grades(PIVOT, TRUTH).tolist() == [4, 3, 1, 0]  # "ref" itself (grade 1) left out
    assert ideal_grades(DESCRIPTOR, TRUTH).tolist() == [4, 4, 1, 0]  # perfect, twin: 4; one_off: 1


def test_measures_count_missing_results_as_zero():
    queries = [PIVOT, DESCRIPTOR]
    results = [["one_off", "perfect"], []]  # the descriptor query returned nothing
    batch = graded_batch(queries, results, [ideal_grades(q, TRUTH) for q in queries], TRUTH)
    values = per_query_measures(batch)
    assert values["relevance@5"].tolist() == pytest.approx([(3 + 4) / 5, 0.0])
    dcg = 3 / math.log2(2) + 4 / math.log2(3)
    ideal = 4 / math.log2(2) + 3 / math.log2(3) + 1 / math.log2(4)
    assert values["nDCG@10"].tolist() == pytest.approx([dcg / ideal, 0.0])
    assert values["P@10(>=3)"].tolist() == pytest.approx([2 / 10, 0.0])


def test_graded_batch_needs_one_result_list_per_query():
    with pytest.raises(ValueError, match="one of each per query"):
        graded_batch([PIVOT], [], [np.zeros(1)], TRUTH)


def test_by_family_reads_each_group_against_baseline_and_its_ceiling():
    from benchmarks.bench_search_quality import by_family

    queries = [PIVOT, DESCRIPTOR]
    ideals = [ideal_grades(q, TRUTH) for q in queries]  # [4, 3, 1, 0] and [4, 4, 1, 0]
    values = {"baseline": {"relevance@5": np.array([1.0, 2.0])}, "full": {"relevance@5": np.array([2.0, 2.5])}}
    diag = {"family_read": True, "reference_read_right": 1.0, "value_share": 0.5}
    rows = by_family(queries, values, {"baseline": [diag, diag], "full": [diag, diag]}, ideals)
    got = {(r["type"], r["family"], r["config"]): r for r in rows}
    assert set(got) == {(t, f, c) for t, f in (("pivot", "color"), ("descriptor", "pattern"), ("pivot", "all"),
                                               ("descriptor", "all")) for c in ("baseline", "full")}
    pivot = got[("pivot", "color", "full")]
    assert pivot["change_vs_baseline"] == pytest.approx(1.0)  # 2.0 against 1.0
    assert pivot["ceiling"] == pytest.approx(8 / 5)  # the ideal top five: 4 + 3 + 1 + 0, and a fifth 0
    assert pivot["ceiling_vs_baseline"] == pytest.approx(0.6)
    descriptor = got[("descriptor", "all", "full")]
    assert descriptor["ceiling"] == pytest.approx(9 / 5) and descriptor["change_vs_baseline"] == pytest.approx(0.25)
