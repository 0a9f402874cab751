"""nDCG at k exactly as trec_eval's ndcg_cut: gain = grade, discount log2(rank + 1)."""

from __future__ import annotations

import numpy as np

from eval.measures.base import MeasureSpec
from eval.ranking import RankedGrades, discounts


def dcg_at_k(gains: np.ndarray, k: int) -> np.ndarray:
    """Sum of gain / log2(rank + 1) over the top k, added rank by rank as trec_eval does (bit-identical)."""
    top = gains[:, :k]
    if top.shape[1] == 0:
        return np.zeros(top.shape[0])
    # cumsum adds left to right like trec_eval's loop (np.sum would add pairwise and differ in the last bit).
    return np.cumsum(top / discounts(top.shape[1]), axis=1)[:, -1]


def positive_gains(grades: np.ndarray) -> np.ndarray:
    """Grades as gains: unjudged (NaN) and grades <= 0 gain nothing, as in trec_eval."""
    return np.where(grades > 0, grades, 0.0)


def ndcg_at_k(retrieved: np.ndarray, judged: np.ndarray, k: int, gain=positive_gains) -> np.ndarray:
    """DCG@k of the run / DCG@k of all judged documents sorted by grade; 0 when the ideal is 0."""
    dcg = dcg_at_k(gain(retrieved), k)
    ideal = dcg_at_k(gain(judged), k)  # `judged` is sorted by grade, descending: the ideal ranking
    return np.divide(dcg, ideal, out=np.zeros(len(dcg)), where=ideal > 0)


def _kernel(batch: RankedGrades, k: int | None, level: float) -> np.ndarray:
    return ndcg_at_k(batch.retrieved, batch.judged, k)


SPEC = MeasureSpec(
    name="nDCG",
    description="nDCG at k as trec_eval's ndcg_cut: gain = grade, discount log2(rank+1), ideal from all judged "
    "documents; the relevance level does not apply",
    kernel=_kernel,
    uses_level=False,
    aliases=("ndcg", "NDCG"),
)
