"""Judged at k: the fraction of the top k results that carry a judgment (coverage)."""

from __future__ import annotations

import numpy as np

from eval.measures.base import MeasureSpec
from eval.ranking import RankedGrades

LOW_COVERAGE = 0.5  # below this, a metric at the same k rests on guesses about unjudged documents


def judged_counts(retrieved: np.ndarray, lengths: np.ndarray, k: int | None) -> tuple[np.ndarray, np.ndarray]:
    """(judged documents in the top k, documents shown in the top k = min(k, retrieved)) per query."""
    top = retrieved[:, :k] if k is not None else retrieved
    shown = np.minimum(lengths, k) if k is not None else lengths
    return (~np.isnan(top)).sum(axis=1), shown


def judged_at_k(retrieved: np.ndarray, lengths: np.ndarray, k: int | None) -> np.ndarray:
    """Judged documents in the top k (whole run if None) / min(k, retrieved); 0 for a query that retrieved nothing."""
    judged, shown = judged_counts(retrieved, lengths, k)
    return np.divide(judged, shown, out=np.zeros(len(judged)), where=shown > 0)


def _kernel(batch: RankedGrades, k: int | None, level: float) -> np.ndarray:
    return judged_at_k(batch.retrieved, batch.lengths, k)


SPEC = MeasureSpec(
    name="judged",
    description=f"fraction of the top k (of min(k, retrieved)) that is judged; warns below {LOW_COVERAGE}",
    kernel=_kernel,
    uses_level=False,
    aliases=("Judged",),
)
