"""nDCG at k with exponential gain 2^grade - 1 (Burges et al.), otherwise as nDCG@k."""

from __future__ import annotations

import numpy as np

from eval.measures.base import MeasureSpec
from eval.measures.ndcg import ndcg_at_k
from eval.ranking import RankedGrades


def exponential_gains(grades: np.ndarray) -> np.ndarray:
    """2^grade - 1 for grades > 0; unjudged and grades <= 0 gain nothing."""
    return np.where(grades > 0, np.exp2(np.where(grades > 0, grades, 0.0)) - 1.0, 0.0)


def _kernel(batch: RankedGrades, k: int | None, level: float) -> np.ndarray:
    return ndcg_at_k(batch.retrieved, batch.judged, k, gain=exponential_gains)


SPEC = MeasureSpec(
    name="nDCG_exp",
    description="nDCG at k with gain 2^grade - 1 (Burges et al.; ranx's ndcg_burges), discount log2(rank+1)",
    kernel=_kernel,
    uses_level=False,
    aliases=("ndcg_exp", "ndcg_burges"),
)
