"""Reciprocal rank fusion over a candidate's sources: score = sum over sources of 1 / (k + rank).

Every CG call counts (two calls of one CG with different params are two sources). The features play no
part in the RRF score; the breakdown still shows them (0.0 where a candidate has none), so that a result
reads the same under any reranker. Both boosts are 1.0 and the Result's score is the RRF score.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.records import Candidate, Result, ScoreBreakdown
from engine.rerank.errors import RerankConfigError
from engine.rerank.results import ranked_results



def features_breakdown(candidate: Candidate) -> ScoreBreakdown:
    """The candidate's features as a breakdown with both boosts 1.0."""
    f = candidate.features
    return ScoreBreakdown(image_sim=f.get("image_sim", 0.0), text_sim=f.get("text_sim", 0.0),
                          engagement=f.get("engagement", 0.0), relevance=f.get("relevance", 0.0))


def rrf_score(ranks: Sequence[int], k: float = 60.0) -> float:
    """sum of 1 / (k + rank) over 1-based ranks."""
    return sum(1.0 / (k + rank) for rank in ranks)


def rrf_rerank(candidates: Sequence[Candidate], k: float = 60.0) -> list[Result]:
    """Rank the candidates by the RRF of their sources' ranks."""
    if k < 0:
        raise RerankConfigError(f"rrf_k = {k!r}; expected a number >= 0 (60 is the usual value)")
    return ranked_results([(c, rrf_score([s.rank for s in c.sources], k), features_breakdown(c)) for c in candidates])
