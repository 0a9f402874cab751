"""Average precision as trec_eval's map: precision at each relevant retrieved / relevant judged."""

from __future__ import annotations

import numpy as np

from eval.measures.base import CUTOFF_OPTIONAL, MeasureSpec
from eval.ranking import RankedGrades


def average_precision(retrieved: np.ndarray, judged: np.ndarray, level: float, k: int | None = None) -> np.ndarray:
    """Sum of precision at the rank of each relevant retrieved document / number of relevant judged documents."""
    relevant = retrieved[:, :k] >= level if k is not None else retrieved >= level
    hits = np.cumsum(relevant, axis=1)
    ranks = np.arange(1, relevant.shape[1] + 1, dtype=np.float64)
    precision_at_hits = np.where(relevant, hits / ranks, 0.0)
    # Summed rank by rank (cumsum), as trec_eval's loop does, so values match it to the last bit.
    total = np.cumsum(precision_at_hits, axis=1)[:, -1] if relevant.shape[1] else np.zeros(len(relevant))
    n_relevant = (judged >= level).sum(axis=1)
    return np.divide(total, n_relevant, out=np.zeros(len(total)), where=n_relevant > 0)


def _kernel(batch: RankedGrades, k: int | None, level: float) -> np.ndarray:
    return average_precision(batch.retrieved, batch.judged, level, k)


SPEC = MeasureSpec(
    name="map",
    description="average precision (trec_eval's map): precision at each relevant retrieved / relevant judged",
    kernel=_kernel,
    cutoff=CUTOFF_OPTIONAL,
    aliases=("MAP", "AP"),
)
