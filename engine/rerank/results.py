"""Scored candidates -> ranked Results (score descending, ties by item_id ascending)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from engine.records import Candidate, Result, ScoreBreakdown
from engine.rerank.errors import RerankInputError

FEATURES = ("image_sim", "text_sim", "engagement", "relevance")  # the composite's inputs in Candidate.features


def check_unique(candidates: Sequence[Candidate]) -> None:
    """Raise if an item appears in more than one candidate (multi-fetch should have merged them)."""
    seen: set[str] = set()
    for candidate in candidates:
        if candidate.item_id in seen:
            raise RerankInputError(f"item {candidate.item_id!r} appears in two candidates; expected one per item: "
                                   f"merge CG calls with engine.generators.multi_fetch.merge_candidates")
        seen.add(candidate.item_id)


def ranked_results(scored: Sequence[tuple[Candidate, float, ScoreBreakdown]]) -> list[Result]:
    """Sort by score descending (ties: item_id ascending) and number the ranks 1..n."""
    ordered = sorted(scored, key=lambda entry: (-entry[1], entry[0].item_id))
    return [Result(rank=rank, item_id=candidate.item_id, score=score, breakdown=breakdown,
                   sources=tuple(candidate.sources), attributes=dict(candidate.attributes),
                   attribute_confidence=dict(candidate.attribute_confidence),
                   uncertain_attributes=dict(candidate.uncertain_attributes))
            for rank, (candidate, score, breakdown) in enumerate(ordered, start=1)]


PRE_RERANK_RRF_K = 60.0  # the merged candidate list is in first-seen (CG call) order, so its order is not meaningful


def pre_rerank_ranks(candidates: Sequence[Candidate], k: float = PRE_RERANK_RRF_K) -> dict[str, int]:
    """item_id -> 1-based position before reranking: reciprocal-rank fusion (sum of 1/(k + CG rank)) of its
    sources, descending, ties by item_id ascending."""
    fused = sorted(candidates, key=lambda c: (-sum(1.0 / (k + s.rank) for s in c.sources), c.item_id))
    return {candidate.item_id: position for position, candidate in enumerate(fused, start=1)}


def with_rank_before(results: Sequence[Result], ranks: dict[str, int]) -> list[Result]:
    """The results with rank_before set from `ranks` (None for an item not in it)."""
    return [replace(result, rank_before=ranks.get(result.item_id)) for result in results]
