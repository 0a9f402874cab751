"""Fill every candidate's features and attributes: the inputs of the composite reranking score.

image_sim   cosine of the item's image with the reference image (the surrogate for a crop); for a text-only
            query, with the query text in the open_clip space.
text_sim    cosine of the item's enriched text with the query's enriched text, both MiniLM (`text_vec`).
engagement  the configured engagement scorer (engine/features/engagement.py), 0..1: by default `coec`, the
            item's position-debiased engagement rate r as r / (1 + r) (0.5 is an average item).
relevance   the configured relevance scorer (engine/features/relevance.py), 0..1.
attributes  the engine's reading of the item (engine/features/item_attributes.py), with confidences; a reading
            below the reader's calibrated threshold is kept apart (uncertain_attributes) and never boosts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from engine.features.engagement import engagement_feature, get_engagement_scorer  # noqa: F401 (re-exported)
from engine.features.item_attributes import reader_for, split_reading
from engine.features.relevance import get_relevance_scorer
from engine.index.columns import IMAGE_VEC, TEXT_VEC
from engine.records import Candidate, UnderstoodQuery


def add_features(context, understood: UnderstoodQuery, candidates: Sequence[Candidate],
                 relevance: str = "text_similarity", engagement: str = "coec") -> None:
    """Set features, attributes and attribute confidences on each candidate, in place."""
    if not candidates:
        return
    ids = [c.item_id for c in candidates]
    reference = context.reference_vector(understood)
    text = understood.enriched_text.strip()
    image_query = reference if reference is not None else (context.cached_text_vector("clip", text) if text else None)
    image_sim = _cosines(context, IMAGE_VEC, ids, image_query)
    text_sim = _cosines(context, TEXT_VEC, ids, context.cached_text_vector("minilm", text) if text else None)
    relevance_scores = get_relevance_scorer(relevance).score(context, understood, ids)
    engagement_scores = get_engagement_scorer(engagement).score(context, understood, ids)
    reader = reader_for(context)
    readings = reader.read_items(ids)
    for n, candidate in enumerate(candidates):
        candidate.features = {
            "image_sim": float(image_sim[n]), "text_sim": float(text_sim[n]),
            "engagement": float(engagement_scores[n]),
            "relevance": float(relevance_scores[n]),
        }
        candidate.attributes, candidate.uncertain_attributes, candidate.attribute_confidence = split_reading(
            readings[n], reader.item_threshold)


def _cosines(context, column: str, ids: list[str], query: np.ndarray | None) -> np.ndarray:
    if query is None:
        return np.zeros(len(ids), np.float32)
    vecs, found = context.searcher(column).vectors(ids)
    return np.where(found, vecs @ np.asarray(query, np.float32), 0.0)
