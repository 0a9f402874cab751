"""Mean grade of the judged documents in the top k; unjudged positions are left out (see judged@k)."""

from __future__ import annotations

import numpy as np

from eval.measures.base import MeasureSpec
from eval.ranking import RankedGrades


def mean_grade_at_k(retrieved: np.ndarray, k: int) -> np.ndarray:
    """Mean of the judged grades among the top k; NaN where none of them is judged."""
    top = retrieved[:, :k]
    judged = ~np.isnan(top)
    count = judged.sum(axis=1)
    total = np.where(judged, top, 0.0).sum(axis=1)
    return np.divide(total, count, out=np.full(len(total), np.nan), where=count > 0)


def _kernel(batch: RankedGrades, k: int | None, level: float) -> np.ndarray:
    return mean_grade_at_k(batch.retrieved, k)


SPEC = MeasureSpec(
    name="relevance",
    description="mean grade of the judged documents in the top k (unjudged left out; NaN if none judged)",
    kernel=_kernel,
    uses_level=False,
    aliases=("rel", "mean_grade"),
)
