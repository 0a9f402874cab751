"""Search a vector column of the items table: exact NumPy over the loaded matrix, or the column's ANN index.

The plan recorded on the column by `workbench index` decides which. The matrix is loaded once per
searcher; create a new searcher after re-indexing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from engine.index.columns import INDEX_KEY
from engine.index.store import read_columns
from engine.index.vector_index import VectorIndexPlan, ann_query, top_k_dot, top_k_of_scores

SCAN_ABOVE = 5_000  # ids asked of an indexed column at once: above this one scan of the column beats `IN (...)`
# rows of the exact matrix scored per block by search_many: 1,024 x 256 float32 is 1 MB, which stays in cache while
# every query of the block is scored (`bench_search_latency.py --items 100000 --one-pass`: full p50 329 against 381 ms
# under load, level on a quiet machine)
BLOCK_ROWS = 1_024


@dataclass(frozen=True)
class Hit:
    item_id: str
    score: float  # dot product of L2-normalised vectors (cosine similarity)


class VectorSearcher:
    """Nearest items by dot product for one vector column."""

    def __init__(self, table, column: str):
        if column not in table.schema.names:
            raise ValueError(f"the items table has no column {column!r}; run `workbench index` first")
        meta = table.schema.field(column).metadata or {}
        self.plan = VectorIndexPlan(**json.loads(meta[INDEX_KEY])) if INDEX_KEY in meta else VectorIndexPlan("exact")
        self.table, self.column = table, column
        self.dim = table.schema.field(column).type.list_size
        self.ids: list[str] = []
        self.matrix = np.empty((0, self.dim), np.float32)
        if self.plan.kind == "exact":
            data = read_columns(table, ["item_id", column], where=f"{column} IS NOT NULL")
            self.ids = data.column("item_id").to_pylist()
            flat = data.column(column).combine_chunks()
            self.matrix = flat.values.to_numpy(zero_copy_only=False).reshape(len(self.ids), self.dim)
        self._row = {item_id: n for n, item_id in enumerate(self.ids)}

    def vector(self, item_id: str) -> np.ndarray | None:
        """The stored vector of one item (None when it has none)."""
        if self.plan.kind == "exact":
            row = self._row.get(item_id)
            return None if row is None else self.matrix[row]
        from engine.query.sql import sql_literal

        match = read_columns(self.table, [self.column], where=f"item_id = {sql_literal(item_id)}")
        values = match.column(self.column).to_pylist()
        return None if not values or values[0] is None else np.asarray(values[0], np.float32)

    def vectors(self, item_ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The stored vectors of many items as one (n, dim) matrix, zeros where an item has none, and a mask
        of the rows that have one."""
        out = np.zeros((len(item_ids), self.dim), np.float32)
        if not item_ids:
            return out, np.zeros(0, bool)
        if self.plan.kind == "exact":
            rows = [self._row.get(i) for i in item_ids]
            found = np.array([r is not None for r in rows], bool)
            if found.any():
                out[found] = self.matrix[[r for r in rows if r is not None]]
            return out, found
        from engine.query.sql import in_list

        where = in_list("item_id", item_ids) if len(set(item_ids)) <= SCAN_ABOVE else None
        ids, matrix, valid = arrow_vectors(read_columns(self.table, ["item_id", self.column], where=where),
                                           self.column, self.dim)
        row_of = {item_id: n for n, item_id in enumerate(ids) if valid[n]}
        rows = [row_of.get(i) for i in item_ids]
        found = np.array([r is not None for r in rows], bool)
        if found.any():
            out[found] = matrix[[r for r in rows if r is not None]]
        return out, found

    def search_many(self, queries: list[np.ndarray], k: int) -> list[list[Hit]]:
        """[self.search(q, k) for q in queries], bit for bit, reading the exact matrix once for all of them.

        One matrix-vector product per query reads the whole matrix from memory each time; here the matrix is
        scored in blocks of BLOCK_ROWS rows, every query against a block while it is in cache. Each score is the
        same product of the same numbers as in `search` (a block of rows against one query), so the scores, and
        the ranking with its tie order, are identical. An indexed column is searched one query at a time."""
        vectors = [self._checked(q) for q in queries]
        if self.plan.kind != "exact" or len(vectors) < 2 or k <= 0:
            return [self.search(v, k) for v in vectors]
        n = len(self.ids)
        scores = np.empty((len(vectors), n), np.float32)
        rows = [v.reshape(1, -1) for v in vectors]
        for start in range(0, n, BLOCK_ROWS):
            block_t = self.matrix[start:start + BLOCK_ROWS].T
            for i, row in enumerate(rows):
                scores[i, start:start + BLOCK_ROWS] = (row @ block_t)[0]
        out = []
        for i in range(len(vectors)):
            idx, top = top_k_of_scores(scores[i:i + 1], k)
            out.append([Hit(self.ids[j], float(s)) for j, s in zip(idx[0], top[0])])
        return out

    def _checked(self, query) -> np.ndarray:
        query = np.asarray(query, np.float32).reshape(-1)
        if query.shape[0] != self.dim:
            raise ValueError(f"query vector has {query.shape[0]} dimensions, column {self.column} has {self.dim}")
        return query

    def search(self, query: np.ndarray, k: int) -> list[Hit]:
        """The k nearest items, best first."""
        query = self._checked(query)
        if k <= 0:
            return []
        if self.plan.kind == "exact":
            idx, scores = top_k_dot(self.matrix, query, k)
            return [Hit(self.ids[i], float(s)) for i, s in zip(idx[0], scores[0])]
        builder = ann_query(self.table.search(query, vector_column_name=self.column).distance_type("dot"),
                            self.plan, k)  # the plan's nprobes, ef (IVF_HNSW_SQ) and refine factor
        rows = builder.select(["item_id", "_distance"]).to_arrow().to_pylist()  # named: lance warns otherwise
        return [Hit(r["item_id"], 1.0 - float(r["_distance"])) for r in rows]  # lance's dot distance is 1 - dot


def arrow_vectors(data, column: str, dim: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(item ids, (n, dim) float32 matrix, mask of the rows that have a vector) of an Arrow table's vector column,
    without a Python object per number."""
    ids = data.column("item_id").to_pylist()
    flat = data.column(column).combine_chunks()
    valid = np.asarray(flat.is_valid(), bool) if flat.null_count else np.ones(len(ids), bool)
    matrix = np.zeros((len(ids), dim), np.float32)
    matrix[valid] = np.asarray(flat.flatten().to_numpy(zero_copy_only=False), np.float32).reshape(-1, dim)
    return ids, matrix, valid
