"""The one list of rerankers: config names, CLI choices and the unknown-name error come from here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from engine.records import Candidate, Result, UnderstoodQuery
from engine.rerank.composite import composite_rerank
from engine.rerank.config import RerankConfig
from engine.rerank.errors import UnknownRerankerError
from engine.rerank.rrf import rrf_rerank


@dataclass(frozen=True)
class Reranker:
    name: str
    description: str
    run: Callable[[Sequence[Candidate], UnderstoodQuery, RerankConfig], list[Result]]


COMPOSITE = Reranker(
    "composite", "(w1*image_sim + w2*text_sim + w3*engagement + w4*relevance) * attribute_boost * cg_boost",
    lambda candidates, understood, config: composite_rerank(
        candidates, understood.target_attributes, config.weights, config.aggregate, config.cg_boost))
RRF = Reranker("rrf", "reciprocal rank fusion of the CG calls' ranks: sum of 1 / (k + rank)",
               lambda candidates, understood, config: rrf_rerank(candidates, config.rrf_k))

RERANKERS: dict[str, Reranker] = {r.name: r for r in (COMPOSITE, RRF)}


def get_reranker(name: str) -> Reranker:
    try:
        return RERANKERS[name]
    except KeyError:
        raise UnknownRerankerError(f"unknown reranker {name!r}; known: {', '.join(RERANKERS)}") from None
