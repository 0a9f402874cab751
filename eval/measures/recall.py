"""Recall at k: the share of a query's relevant judged documents found in the top k."""

from __future__ import annotations

import numpy as np

from eval.measures.base import MeasureSpec
from eval.ranking import RankedGrades


def recall_at_k(retrieved: np.ndarray, judged: np.ndarray, k: int, level: float) -> np.ndarray:
    """Relevant in the top k / relevant judged; 0 for a query with nothing relevant (as trec_eval)."""
    found = (retrieved[:, :k] >= level).sum(axis=1)
    total = (judged >= level).sum(axis=1)
    return np.divide(found, total, out=np.zeros(len(found)), where=total > 0)


def _kernel(batch: RankedGrades, k: int | None, level: float) -> np.ndarray:
    return recall_at_k(batch.retrieved, batch.judged, k, level)


SPEC = MeasureSpec(
    name="R",
    description="recall at k: relevant in the top k / relevant judged documents of the query (0 if none)",
    kernel=_kernel,
    aliases=("recall", "Recall"),
)
