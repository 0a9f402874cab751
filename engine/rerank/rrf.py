"""Reciprocal rank fusion over a candidate's sources: score = sum over sources of 1 / (k + rank).

Every CG call counts (two calls of one CG with different params are two sources). The breakdown holds
no features for RRF: image_sim, text_sim, engagement and relevance are 0.0, both boosts 1.0, and the
Result's score is the RRF score.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.records import Candidate, Result, ScoreBreakdown
from engine.rerank.errors import RerankConfigError
from engine.rerank.results import ranked_results

RRF_BREAKDOWN = ScoreBreakdown(image_sim=0.0, text_sim=0.0, engagement=0.0, relevance=0.0,
                               attribute_boost=1.0, cg_boost=1.0)


def rrf_score(ranks: Sequence[int], k: float = 60.0) -> float:
    """sum of 1 / (k + rank) over 1-based ranks."""
    return sum(1.0 / (k + rank) for rank in ranks)


def rrf_rerank(candidates: Sequence[Candidate], k: float = 60.0) -> list[Result]:
    """Rank the candidates by the RRF of their sources' ranks."""
    if k < 0:
        raise RerankConfigError(f"rrf_k = {k!r}; expected a number >= 0 (60 is the usual value)")
    return ranked_results([(c, rrf_score([s.rank for s in c.sources], k), RRF_BREAKDOWN) for c in candidates])
