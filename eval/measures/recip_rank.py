"""Reciprocal rank of the first relevant document (trec_eval's recip_rank; its mean is MRR)."""

from __future__ import annotations

import numpy as np

from eval.measures.base import CUTOFF_OPTIONAL, MeasureSpec
from eval.ranking import RankedGrades


def reciprocal_rank(retrieved: np.ndarray, level: float, k: int | None = None) -> np.ndarray:
    """1 / rank of the first document with grade >= level within the top k (all if None); 0 if none."""
    relevant = retrieved[:, :k] >= level if k is not None else retrieved >= level
    first = relevant.argmax(axis=1)
    found = relevant.any(axis=1)
    return np.where(found, 1.0 / (first + 1.0), 0.0)


def _kernel(batch: RankedGrades, k: int | None, level: float) -> np.ndarray:
    return reciprocal_rank(batch.retrieved, level, k)


SPEC = MeasureSpec(
    name="recip_rank",
    description="reciprocal rank of the first relevant document (its mean over queries is MRR)",
    kernel=_kernel,
    cutoff=CUTOFF_OPTIONAL,
    aliases=("RR", "MRR", "mrr"),
)
