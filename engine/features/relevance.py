"""Relevance scorers: the reranker's relevance term, pluggable by name.

The default, `text_similarity`, compares the query's enriched text with the item's enriched text in the
open_clip text space (`clip_text_vec`), mapped from cosine to 0..1. A learned relevance model registers
here under its own name and a config picks it (`[features] relevance = "..."`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from engine.index.columns import CLIP_TEXT_VEC
from engine.records import UnderstoodQuery

# score(context, understood, item_ids) -> one relevance in 0..1 per item
Score = Callable[[object, UnderstoodQuery, Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class RelevanceScorer:
    name: str
    description: str
    score: Score


def text_similarity(context, understood: UnderstoodQuery, item_ids: Sequence[str]) -> np.ndarray:
    """(1 + cos(clip_text(enriched query), item clip_text_vec)) / 2; 0 when either side is missing."""
    text = understood.enriched_text.strip()
    if not text or not item_ids:
        return np.zeros(len(item_ids), np.float32)
    query = context.cached_text_vector("clip", text)
    vecs, found = context.searcher(CLIP_TEXT_VEC).vectors(list(item_ids))
    return np.where(found, (1.0 + vecs @ query) / 2.0, 0.0).astype(np.float32)


def attribute_agreement(context, understood: UnderstoodQuery, item_ids: Sequence[str]) -> np.ndarray:
    """Confidence-weighted share of the query's target attributes that the item's reading matches."""
    from engine.features.item_attributes import reader_for

    targets = understood.target_attributes
    if not targets or not item_ids:
        return np.zeros(len(item_ids), np.float32)
    readings = reader_for(context).read_items(list(item_ids))
    return np.array([sum(r[f][1] for f, v in targets.items() if f in r and r[f][0] == v) / len(targets)
                     for r in readings], np.float32)


def learned(context, understood: UnderstoodQuery, item_ids: Sequence[str]) -> np.ndarray:
    """The distilled relevance student (engine/models/relevance), trained by `workbench train relevance`."""
    from engine.models.relevance.scorer import learned_relevance

    return learned_relevance(context, understood, item_ids)


RELEVANCE_SCORERS: dict[str, RelevanceScorer] = {s.name: s for s in (
    RelevanceScorer("text_similarity", "query and item enriched text in the open_clip text space", text_similarity),
    RelevanceScorer("attribute_agreement", "share of target attributes the item's reading matches",
                    attribute_agreement),
    RelevanceScorer("learned", "the relevance student distilled from a cross-encoder trained on judgments",
                    learned),
)}


def get_relevance_scorer(name: str) -> RelevanceScorer:
    try:
        return RELEVANCE_SCORERS[name]
    except KeyError:
        raise ValueError(f"unknown relevance scorer {name!r}; known: {', '.join(RELEVANCE_SCORERS)}") from None
