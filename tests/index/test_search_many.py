"""VectorSearcher.search_many: the answer of one search per query, bit for bit, from one pass over the matrix."""

from __future__ import annotations

import lancedb
import numpy as np
import pyarrow as pa
import pytest

import engine.index.vectors as vectors
from engine.index.vectors import VectorSearcher


def _table(tmp_path, matrix: np.ndarray):
    ids = [f"i{n:05d}" for n in range(len(matrix))]
    data = pa.table({"item_id": ids, "vec": pa.FixedSizeListArray.from_arrays(pa.array(matrix.ravel()),
                                                                                 matrix.shape[1])})
    return lancedb.connect(str(tmp_path / "db")).create_table("items", data=data)


@pytest.fixture
def searcher(tmp_path, monkeypatch):
    monkeypatch.setattr(vectors, "BLOCK_ROWS", 64)  # several blocks and a ragged last one over 1,000 rows
    rng = np.random.default_rng(7)
    matrix = rng.standard_normal((1000, 32)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix[500] = matrix[10]  # an exact tie: the lower row comes first in both paths
    return VectorSearcher(_table(tmp_path, matrix), "vec"), matrix


def test_many_queries_get_exactly_what_one_search_each_gets(searcher):
    s, matrix = searcher
    rng = np.random.default_rng(8)
    queries = [matrix[10], *rng.standard_normal((4, 32)).astype(np.float32)]
    for k in (1, 10, 999, 1000, 5000):
        assert s.search_many(queries, k) == [s.search(q, k) for q in queries]
    tied = [h.item_id for h in s.search_many(queries, 2)[0]]
    assert tied == ["i00010", "i00500"]


def test_brute_force_oracle(searcher):
    s, matrix = searcher
    query = np.random.default_rng(9).standard_normal(32).astype(np.float32)
    got = s.search_many([query, -query], 5)
    for q, hits in zip([query, -query], got):
        order = sorted(range(len(matrix)), key=lambda r: (-float(matrix[r] @ q), r))[:5]
        assert [h.item_id for h in hits] == [f"i{r:05d}" for r in order]


def test_a_query_of_the_wrong_dimension_is_refused(searcher):
    s, _ = searcher
    with pytest.raises(ValueError, match="3 dimensions, column vec has 32"):
        s.search_many([np.zeros(32, np.float32), np.zeros(3, np.float32)], 5)


def test_nothing_asked_nothing_searched(searcher):
    s, matrix = searcher
    assert s.search_many([], 5) == [] and s.search_many([matrix[0], matrix[1]], 0) == [[], []]
