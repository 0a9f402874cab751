"""Tiny hand-made candidates and results for the rerank tests."""

from __future__ import annotations

from engine.records import Candidate, Query, Result, ScoreBreakdown, Source, UnderstoodQuery

ZERO = ScoreBreakdown(image_sim=0.0, text_sim=0.0, engagement=0.0, relevance=0.0)


def source(cg: str, rank: int, score: float = 0.0, **params) -> Source:
    return Source(cg=cg, params=dict(params), rank=rank, score=score)


def candidate(item_id: str, *, sources=(), attributes=None, confidence=None, **features) -> Candidate:
    return Candidate(item_id=item_id, sources=list(sources), attributes=dict(attributes or {}),
                     attribute_confidence=dict(confidence or {}), features=dict(features))


def result(rank: int, item_id: str, score: float, **attributes) -> Result:
    return Result(rank=rank, item_id=item_id, score=score, breakdown=ZERO, sources=(), attributes=attributes)


def understood(**target_attributes) -> UnderstoodQuery:
    return UnderstoodQuery(query=Query(text="t"), mode="descriptor", target_attributes=target_attributes,
                           reference_attributes={}, reference_confidence={}, enriched_text="t")
