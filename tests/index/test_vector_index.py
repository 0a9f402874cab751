"""The index-choice rule and the exact top-k kernel against a brute-force sort."""

import numpy as np
import pytest

from engine.index.vector_index import EXACT_LIMIT, choose_vector_index, top_k_dot


@pytest.mark.parametrize(
    "n_rows, expected_kind",
    [(0, "exact"), (3_000, "exact"), (EXACT_LIMIT, "exact"), (EXACT_LIMIT + 1, "IVF_PQ"), (5_000_000, "IVF_PQ")],
)
def test_exact_up_to_the_limit_then_ann(n_rows, expected_kind):
    assert choose_vector_index(n_rows, 256).kind == expected_kind


def test_ann_plan_scales_partitions_with_size_and_refines():
    plan = choose_vector_index(1_000_000, 256, exact_limit=100)
    assert plan.num_partitions == 1000  # sqrt(n)
    assert plan.num_sub_vectors == 32  # dim / 8
    assert plan.refine_factor > 0 and plan.nprobes >= 20


def test_a_custom_limit_moves_the_switch():
    assert choose_vector_index(500, 8, exact_limit=499).kind == "IVF_PQ"
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
