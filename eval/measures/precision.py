"""Precision at k: the fraction of the top k that is relevant (trec_eval's P_k)."""

from __future__ import annotations

import numpy as np

from eval.measures.base import MeasureSpec
from eval.ranking import RankedGrades


def precision_at_k(retrieved: np.ndarray, k: int, level: float) -> np.ndarray:
    """Relevant documents (grade >= level) in the top k, divided by k even when fewer were retrieved."""
    return (retrieved[:, :k] >= level).sum(axis=1) / float(k)


def _kernel(batch: RankedGrades, k: int | None, level: float) -> np.ndarray:
    return precision_at_k(batch.retrieved, k, level)


SPEC = MeasureSpec(
    name="P",
    description="precision at k: relevant (grade >= level) in the top k / k; unjudged count as not relevant",
    kernel=_kernel,
)
