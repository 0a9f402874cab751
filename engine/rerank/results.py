"""Scored candidates -> ranked Results (score descending, ties by item_id ascending)."""

from __future__ import annotations

from collections.abc import Sequence

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
                   sources=tuple(candidate.sources), attributes=dict(candidate.attributes))
            for rank, (candidate, score, breakdown) in enumerate(ordered, start=1)]
