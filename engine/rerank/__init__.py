"""Reranking: the composite score or RRF, then attribute fill of the top positions."""

from __future__ import annotations

from collections.abc import Sequence

from engine.records import Candidate, Result, UnderstoodQuery
from engine.rerank.attribute_fill import fill_top
from engine.rerank.cg_boost import candidate_cg_boosts, cg_boosts, cg_shares
from engine.rerank.composite import attribute_boost, composite_rerank, linear_score
from engine.rerank.config import AGGREGATES, CgBoostConfig, CompositeWeights, RerankConfig
from engine.rerank.errors import RerankConfigError, RerankInputError, UnknownRerankerError
from engine.rerank.registry import RERANKERS, Reranker, get_reranker
from engine.rerank.results import check_unique
from engine.rerank.rrf import rrf_rerank, rrf_score

__all__ = [
    "AGGREGATES", "CgBoostConfig", "CompositeWeights", "RERANKERS", "RerankConfig", "RerankConfigError",
    "RerankInputError", "Reranker", "UnknownRerankerError", "attribute_boost", "candidate_cg_boosts",
    "cg_boosts", "cg_shares", "composite_rerank", "fill_top", "get_reranker", "linear_score", "rerank",
    "rrf_rerank", "rrf_score",
]


def rerank(candidates: Sequence[Candidate], understood: UnderstoodQuery, config: RerankConfig,
           limit: int | None = None) -> list[Result]:
    """Apply the configured reranker, then attribute fill with the query's target attributes; the first `limit`
    results (all when None)."""
    if not isinstance(config, RerankConfig):
        raise RerankConfigError(f"config = {config!r}; expected a RerankConfig")
    reranker = get_reranker(config.reranker)
    check_unique(candidates)
    results = reranker.run(candidates, understood, config)
    return fill_top(results, understood.target_attributes, positions=config.fill_positions, limit=limit)
