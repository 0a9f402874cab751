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

EXACT_LIMIT = 250_000  # rows; above this a LanceDB IVF index (see choose_vector_index)


@dataclass(frozen=True)
class VectorIndexPlan:
    kind: str  # "exact" (NumPy brute force) or a LanceDB index type ("IVF_PQ", "IVF_HNSW_SQ")
    num_partitions: int = 0  # IVF partitions
    num_sub_vectors: int = 0  # PQ sub-vectors
    nprobes: int = 0  # partitions searched per query
    refine_factor: int = 0  # re-rank refine_factor * k candidates with full vectors (30: Recall@10 0.967 at 100k)

    def describe(self) -> str:
        if self.kind == "exact":
            return "exact (NumPy brute force)"
        return (f"{self.kind} partitions={self.num_partitions} sub_vectors={self.num_sub_vectors} "
                f"nprobes={self.nprobes} refine={self.refine_factor}")


def choose_vector_index(n_rows: int, dim: int, *, exact_limit: int = EXACT_LIMIT) -> VectorIndexPlan:
    """Exact search up to exact_limit rows; IVF_PQ with refinement above (tuned for Recall@10 >= 0.95)."""
    if n_rows < 0 or dim <= 0:
        raise ValueError(f"need n_rows >= 0 and dim > 0, got n_rows={n_rows}, dim={dim}")
    if n_rows <= exact_limit:
        return VectorIndexPlan("exact")
    partitions = max(16, int(math.sqrt(n_rows)))
    sub_vectors = max(1, dim // 8) if dim % 8 == 0 else max(1, dim // 4)
    return VectorIndexPlan("IVF_PQ", partitions, sub_vectors, nprobes=max(20, partitions // 10), refine_factor=30)


def top_k_dot(matrix: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Row indices and scores of the k largest dot products per query, best first (ties: lower index first)."""
    queries = np.atleast_2d(queries).astype(np.float32, copy=False)
    if matrix.ndim != 2 or queries.shape[1] != matrix.shape[1]:
        raise ValueError(f"query dimension {queries.shape[1]} does not match the index dimension "
                         f"{matrix.shape[1] if matrix.ndim == 2 else matrix.shape}")
    n = matrix.shape[0]
    k = min(k, n)
    if k <= 0:
        return np.empty((len(queries), 0), dtype=np.int64), np.empty((len(queries), 0), dtype=np.float32)
    scores = queries @ matrix.T
    if k < n:
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    else:
        part = np.tile(np.arange(n), (len(queries), 1))
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -part_scores), axis=1)
    idx = np.take_along_axis(part, order, axis=1)
    return idx, np.take_along_axis(scores, idx, axis=1)
