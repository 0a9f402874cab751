"""The index-choice rule, the LanceDB settings a plan turns into, and the exact top-k kernel against a
brute-force sort."""

import json

import numpy as np
import pytest

from engine.index.vector_index import (
    EXACT_LIMIT, VectorIndexPlan, ann_query, choose_vector_index, index_config, ivf_pq_plan, top_k_dot,
)


@pytest.mark.parametrize(
    "n_rows, expected_kind",
    [(0, "exact"), (3_000, "exact"), (EXACT_LIMIT, "exact"), (EXACT_LIMIT + 1, "IVF_HNSW_SQ"),
     (5_000_000, "IVF_HNSW_SQ")],
)
def test_exact_up_to_the_limit_then_ann(n_rows, expected_kind):
    assert choose_vector_index(n_rows, 256).kind == expected_kind


@pytest.mark.parametrize(
    "n_rows, partitions, nprobes",
    [(300_000, 3, 2), (1_000_000, 10, 3), (5_000_000, 50, 13), (500, 1, 1)],
)
def test_hnsw_plan_scales_partitions_and_probes_with_rows(n_rows, partitions, nprobes):
    plan = choose_vector_index(n_rows, 256, exact_limit=100)
    assert (plan.kind, plan.num_partitions, plan.nprobes) == ("IVF_HNSW_SQ", partitions, nprobes)
    assert plan.m > 0 and plan.ef_construction >= 100 and plan.num_sub_vectors == 0


def test_hnsw_search_candidates_grow_with_k_and_cover_the_refined_candidates():
    plan = choose_vector_index(1_000_000, 256)
    assert plan.refine_factor == 2  # exact scores of the k returned, and the near-ties the SQ codes blur
    assert plan.ef(10) == plan.min_ef == 128  # small k: the floor
    assert plan.ef(100) == 200  # ef_factor * k
    assert VectorIndexPlan("IVF_HNSW_SQ", 1, nprobes=1).ef(7) == 7  # never below k
    assert VectorIndexPlan("IVF_HNSW_SQ", 1, nprobes=1, refine_factor=4, ef_factor=2).ef(100) == 400  # k * refine


def test_the_ivf_pq_plan_is_kept_for_columns_indexed_with_it():
    plan = ivf_pq_plan(1_000_000, 256)
    assert plan.num_partitions == 1000  # sqrt(n)
    assert plan.num_sub_vectors == 32  # dim / 8
    assert plan.refine_factor > 0 and plan.nprobes >= 20


def test_a_plan_recorded_before_the_hnsw_fields_still_loads():
    recorded = '{"kind": "IVF_PQ", "nprobes": 31, "num_partitions": 316, "num_sub_vectors": 32, "refine_factor": 30}'
    plan = VectorIndexPlan(**json.loads(recorded))
    assert plan == ivf_pq_plan(100_000, 256)
    assert VectorIndexPlan(**json.loads(json.dumps(plan.__dict__))) == plan  # and round-trips as build writes it


def test_index_config_per_kind():
    hnsw = index_config(choose_vector_index(1_000_000, 256))
    assert type(hnsw).__name__ == "HnswSq" and hnsw.distance_type == "dot" and hnsw.num_partitions == 10
    pq = index_config(ivf_pq_plan(1_000_000, 256))
    assert type(pq).__name__ == "IvfPq" and pq.num_sub_vectors == 32
    with pytest.raises(ValueError, match="no LanceDB index"):
        index_config(VectorIndexPlan("exact"))


class Recorder:
    """Stands in for a LanceDB query builder: records the settings applied."""

    def __init__(self):
        self.calls = {}

    def __getattr__(self, name):
        def setter(value):
            self.calls[name] = value
            return self
        return setter


def test_ann_query_sets_probes_candidates_and_refine_per_kind():
    hnsw = choose_vector_index(1_000_000, 256)
    assert ann_query(Recorder(), hnsw, 100).calls == {"nprobes": 3, "ef": 200, "refine_factor": 2, "limit": 100}
    pq = ivf_pq_plan(1_000_000, 256)
    assert ann_query(Recorder(), pq, 10).calls == {"nprobes": 100, "refine_factor": 30, "limit": 10}
    with pytest.raises(ValueError, match="exact plan"):
        ann_query(Recorder(), VectorIndexPlan("exact"), 10)


def test_a_custom_limit_moves_the_switch():
    assert choose_vector_index(500, 8, exact_limit=499).kind == "IVF_HNSW_SQ"
    assert choose_vector_index(499, 8, exact_limit=499).kind == "exact"


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match="dim > 0"):
        choose_vector_index(10, 0)


def brute_force(matrix, query, k):
    scores = matrix @ query
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:k]
    return order, scores[order]


def test_top_k_equals_a_full_sort_including_ties():
    rng = np.random.default_rng(0)
    matrix = rng.integers(-2, 3, size=(200, 4)).astype(np.float32)  # small integers: many exact ties
    queries = rng.integers(-2, 3, size=(5, 4)).astype(np.float32)
    idx, scores = top_k_dot(matrix, queries, 10)
    for q in range(5):
        expected_scores = np.sort(matrix @ queries[q])[::-1][:10]
        np.testing.assert_array_equal(scores[q], expected_scores)
        for j in range(9):  # within one score, lower row index first
            assert scores[q][j] > scores[q][j + 1] or idx[q][j] < idx[q][j + 1]


def test_top_k_on_distinct_scores_matches_brute_force_exactly():
    rng = np.random.default_rng(1)
    matrix = rng.standard_normal((500, 16)).astype(np.float32)
    query = rng.standard_normal(16).astype(np.float32)
    idx, scores = top_k_dot(matrix, query, 7)
    order, expected = brute_force(matrix, query, 7)
    assert idx[0].tolist() == order
    np.testing.assert_allclose(scores[0], expected, rtol=1e-6)


def test_k_larger_than_the_index_returns_everything_sorted():
    matrix = np.eye(3, dtype=np.float32)
    idx, scores = top_k_dot(matrix, np.array([0.1, 0.3, 0.2], np.float32), 10)
    assert idx.tolist() == [[1, 2, 0]]


def test_dimension_mismatch_names_both():
    with pytest.raises(ValueError, match="query dimension 3 does not match the index dimension 4"):
        top_k_dot(np.zeros((2, 4), np.float32), np.zeros(3, np.float32), 1)
