"""A real IVF_HNSW_SQ index built from a plan: LanceDB uses it, and its answers are close to exact search."""

import dataclasses

import numpy as np
import pyarrow as pa
import pytest

from engine.index.vector_index import ann_query, choose_vector_index, index_config, top_k_dot

lancedb = pytest.importorskip("lancedb")

N, DIM, CLUSTERS = 4000, 32, 40


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """4,000 unit vectors in 40 clusters (near-ties within a cluster), an IVF_HNSW_SQ index of 2 partitions."""
    rng = np.random.default_rng(7)
    centres = rng.standard_normal((CLUSTERS, DIM)).astype(np.float32)
    rows = centres[rng.integers(0, CLUSTERS, N)] + rng.normal(0, 0.3, (N, DIM)).astype(np.float32)
    vectors = (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)
    queries = centres[rng.integers(0, CLUSTERS, 20)] + rng.normal(0, 0.3, (20, DIM)).astype(np.float32)
    queries = (queries / np.linalg.norm(queries, axis=1, keepdims=True)).astype(np.float32)
    db = lancedb.connect(tmp_path_factory.mktemp("ann"))
    table = db.create_table("v", pa.table({"id": np.arange(N), "vec": pa.FixedSizeListArray.from_arrays(
        pa.array(vectors.reshape(-1)), DIM)}))
    plan = dataclasses.replace(choose_vector_index(N, DIM, exact_limit=100), num_partitions=2, nprobes=2,
                               ef_construction=100)  # small, so that it builds in about a second
    table.create_index("vec", config=index_config(plan))
    return table, plan, vectors, queries


def search(table, plan, query, k):
    builder = ann_query(table.search(query, vector_column_name="vec").distance_type("dot"), plan, k)
    return builder.select(["id", "_distance"]).to_arrow()


def test_the_index_is_an_ivf_hnsw_sq_and_the_query_goes_through_it(indexed):
    table, plan, _, queries = indexed
    (index,) = table.list_indices()
    assert table.index_stats(index.name).index_type == "IVF_HNSW_SQ"
    explained = ann_query(table.search(queries[0], vector_column_name="vec").distance_type("dot"), plan, 10)
    text = explained.explain_plan(True)
    # the index answers 2 x 10 candidates (refine_factor 2), re-scored with their full vectors
    assert plan.refine_factor == 2 and f"ANNSubIndex: name={index.name}, k=20" in text
    assert "minimum_nprobes=2" in text


@pytest.mark.parametrize("k", [10, 100])
def test_answers_are_close_to_exact_search(indexed, k):
    table, plan, vectors, queries = indexed
    exact_idx, exact_scores = top_k_dot(vectors, queries, k)
    recalls = []
    for q, query in enumerate(queries):
        found = search(table, plan, query, k)
        ids = found.column("id").to_pylist()
        assert len(ids) == k
        recalls.append(len(set(ids) & set(exact_idx[q].tolist())) / k)
        # lance's dot distance is 1 - dot; scores of SQ codes are approximate, but close
        scores = 1.0 - np.asarray(found.column("_distance").to_pylist())
        np.testing.assert_allclose(scores[0], exact_scores[q][0], atol=0.05)
    assert np.mean(recalls) >= 0.9


def test_exact_search_through_lancedb_agrees_with_numpy(indexed):
    table, _, vectors, queries = indexed
    exact_idx, _ = top_k_dot(vectors, queries[:3], 10)
    for q in range(3):
        flat = (table.search(queries[q], vector_column_name="vec").distance_type("dot").bypass_vector_index()
                .limit(10).select(["id", "_distance"]).to_arrow().column("id").to_pylist())
        assert set(flat) == set(exact_idx[q].tolist())
