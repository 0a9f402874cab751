"""Nearest-neighbour search over a vector column: exact NumPy brute force, or a LanceDB ANN index above a size.

Measured (benchmarks/bench_vector_search.py): on this class of machine LanceDB's own flat search is
far slower than a NumPy matrix product over the same vectors, so "exact" means NumPy here. The ANN
index pays off only where the matrix product itself gets slow; below EXACT_LIMIT rows exact search
is both faster and perfectly accurate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

EXACT_LIMIT = 250_000  # rows; above this a LanceDB IVF_HNSW_SQ index (see choose_vector_index)

HNSW_PARTITION_ROWS = 100_000  # rows per IVF partition of IVF_HNSW_SQ: one HNSW graph each
HNSW_EF_FACTOR = 2  # search candidates per result asked (ef = max(HNSW_MIN_EF, HNSW_EF_FACTOR * k))
HNSW_MIN_EF = 128  # at 1,000,000 rows ef 64 gave Recall@10 0.940, ef 128 0.975 (k = 10, refine 2)
HNSW_REFINE = 2  # re-rank 2k candidates by their full vectors: exact scores, and Recall@10 0.97 -> 0.99 at 300k


@dataclass(frozen=True)
class VectorIndexPlan:
    """How a vector column is searched; recorded as JSON on the column (fields added later default to 0, so a
    plan recorded before them still loads)."""

    kind: str  # "exact" (NumPy brute force) or a LanceDB index type ("IVF_HNSW_SQ", "IVF_PQ", "IVF_SQ")
    num_partitions: int = 0  # IVF partitions
    num_sub_vectors: int = 0  # PQ sub-vectors (IVF_PQ only)
    nprobes: int = 0  # partitions searched per query
    refine_factor: int = 0  # re-rank refine_factor * k candidates with full vectors (0: none)
    m: int = 0  # IVF_HNSW_SQ: graph neighbours per vector
    ef_construction: int = 0  # IVF_HNSW_SQ: candidates per insertion while building the graph
    ef_factor: int = 0  # IVF_HNSW_SQ: search candidates per result asked (ef = max(min_ef, ef_factor * k))
    min_ef: int = 0  # IVF_HNSW_SQ: the fewest search candidates

    def describe(self) -> str:
        if self.kind == "exact":
            return "exact (NumPy brute force)"
        if self.kind == "IVF_HNSW_SQ":
            return (f"{self.kind} partitions={self.num_partitions} m={self.m} ef_construction={self.ef_construction} "
                    f"nprobes={self.nprobes} ef=max({self.min_ef},{self.ef_factor}k) refine={self.refine_factor}")
        return (f"{self.kind} partitions={self.num_partitions} sub_vectors={self.num_sub_vectors} "
                f"nprobes={self.nprobes} refine={self.refine_factor}")

    def ef(self, k: int) -> int:
        """HNSW search candidates for a query asking k results: never fewer than the k * refine_factor
        candidates LanceDB takes from the index (it refuses an ef below that)."""
        return max(k * max(1, self.refine_factor), self.min_ef, self.ef_factor * k)


def choose_vector_index(n_rows: int, dim: int, *, exact_limit: int = EXACT_LIMIT) -> VectorIndexPlan:
    """Exact search up to exact_limit rows; IVF_HNSW_SQ above, partitions scaled with the rows.

    Measured with benchmarks/bench_vector_search.py (docs/benchmarks.md): at 1,000,000 rows this plan gives
    Recall@10 0.975 at k = 10 and Recall@100 0.973 at k = 100 in 10.5 and 13.2 ms a call; the IVF_PQ plan it
    replaces (ivf_pq_plan) reached Recall@10 0.83 at k = 10 and took 40 ms a call at k = 100, its refine 30
    re-reading 3,000 full vectors."""
    if n_rows < 0 or dim <= 0:
        raise ValueError(f"need n_rows >= 0 and dim > 0, got n_rows={n_rows}, dim={dim}")
    if n_rows <= exact_limit:
        return VectorIndexPlan("exact")
    return hnsw_sq_plan(n_rows)


def hnsw_sq_plan(n_rows: int) -> VectorIndexPlan:
    """IVF_HNSW_SQ: one HNSW graph per ~HNSW_PARTITION_ROWS rows, a quarter of the partitions probed (at least 2)."""
    partitions = max(1, math.ceil(n_rows / HNSW_PARTITION_ROWS))
    nprobes = min(partitions, max(2, math.ceil(partitions / 4)))
    return VectorIndexPlan("IVF_HNSW_SQ", partitions, nprobes=nprobes, refine_factor=HNSW_REFINE, m=20,
                           ef_construction=150, ef_factor=HNSW_EF_FACTOR, min_ef=HNSW_MIN_EF)


def ivf_pq_plan(n_rows: int, dim: int) -> VectorIndexPlan:
    """The plan used above EXACT_LIMIT before IVF_HNSW_SQ: IVF_PQ, sqrt(n) partitions, refine 30 (kept for
    comparison in the benchmark, and for columns indexed with it, which still search as recorded)."""
    partitions = max(16, int(math.sqrt(n_rows)))
    sub_vectors = max(1, dim // 8) if dim % 8 == 0 else max(1, dim // 4)
    return VectorIndexPlan("IVF_PQ", partitions, sub_vectors, nprobes=max(20, partitions // 10), refine_factor=30)


def ivf_sq_plan(n_rows: int) -> VectorIndexPlan:
    """IVF_SQ: sqrt(n) partitions, a tenth probed (benchmark comparison only)."""
    partitions = max(16, int(math.sqrt(n_rows)))
    return VectorIndexPlan("IVF_SQ", partitions, nprobes=max(20, partitions // 10))


def index_config(plan: VectorIndexPlan):
    """The LanceDB index config that builds the plan's index (dot distance: the vectors are L2-normalised)."""
    from lancedb.index import HnswSq, IvfPq, IvfSq

    if plan.kind == "IVF_HNSW_SQ":
        return HnswSq(distance_type="dot", num_partitions=plan.num_partitions, m=plan.m,
                      ef_construction=plan.ef_construction)
    if plan.kind == "IVF_PQ":
        return IvfPq(distance_type="dot", num_partitions=plan.num_partitions, num_sub_vectors=plan.num_sub_vectors)
    if plan.kind == "IVF_SQ":
        return IvfSq(distance_type="dot", num_partitions=plan.num_partitions)
    raise ValueError(f"no LanceDB index for the plan kind {plan.kind!r}")


def ann_query(query, plan: VectorIndexPlan, k: int):
    """A LanceDB vector query builder with the plan's query-time settings for k results (limit(k) set too)."""
    if plan.kind == "exact":
        raise ValueError("an exact plan is searched with NumPy (top_k_dot), not through a LanceDB index")
    query = query.nprobes(max(1, plan.nprobes))
    if plan.kind == "IVF_HNSW_SQ":
        query = query.ef(plan.ef(k))
    if plan.refine_factor:
        query = query.refine_factor(plan.refine_factor)
    return query.limit(k)


def top_k_dot(matrix: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Row indices and scores of the k largest dot products per query, best first (ties: lower index first)."""
    queries = np.atleast_2d(queries).astype(np.float32, copy=False)
    if matrix.ndim != 2 or queries.shape[1] != matrix.shape[1]:
        raise ValueError(f"query dimension {queries.shape[1]} does not match the index dimension "
                         f"{matrix.shape[1] if matrix.ndim == 2 else matrix.shape}")
    if min(k, matrix.shape[0]) <= 0:
        return np.empty((len(queries), 0), dtype=np.int64), np.empty((len(queries), 0), dtype=np.float32)
    return top_k_of_scores(queries @ matrix.T, k)


def top_k_of_scores(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Row indices and scores of the k largest of each row of (n_queries, n) scores, best first (ties: lower index
    first): top_k_dot's selection, also over scores computed elsewhere (VectorSearcher.search_many)."""
    n = scores.shape[1]
    k = min(k, n)
    if k <= 0:
        return np.empty((len(scores), 0), dtype=np.int64), np.empty((len(scores), 0), dtype=np.float32)
    if k < n:
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    else:
        part = np.tile(np.arange(n), (len(scores), 1))
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -part_scores), axis=1)
    idx = np.take_along_axis(part, order, axis=1)
    return idx, np.take_along_axis(scores, idx, axis=1)
