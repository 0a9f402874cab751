"""The student's cheap features, from vectors the index already holds: no model runs per candidate.

Per (query, item): the elementwise product of the query's MiniLM vector and the item's text_vec, then
cos(query MiniLM, text_vec), cos(query open_clip text, clip_text_vec), cos(query open_clip text, image_vec),
cos(reference image_vec, image_vec), the share of the reference's confident readings the item shares, and the
share of the query's target attributes the item's reading matches. The query side is embedded once per query.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from engine.index.columns import CLIP_TEXT_VEC, IMAGE_VEC, TEXT_VEC
from engine.models.relevance.examples import format_query

SCALAR_FEATURES = ("cos_text", "cos_clip_text", "cos_text_image", "cos_reference_image", "reference_agreement",
                   "target_agreement")
READ_THRESHOLD = 0.4  # as engine/query/understand.py: a reading below it is not searched for


@dataclass(frozen=True)
class QuerySide:
    """What the features need of one query, computed once."""

    text_vec: np.ndarray  # (D,) MiniLM of the formatted query text
    clip_vec: np.ndarray  # (C,) open_clip text vector of the query text
    reference_vec: np.ndarray | None  # (C,) open_clip vector of the reference image or crop
    reference_attributes: Mapping[str, str]  # confident readings of the reference
    target_attributes: Mapping[str, str]  # what the query asks for


@dataclass(frozen=True)
class ItemSide:
    """Stored vectors (zeros where missing) and readings of n items."""

    text_vecs: np.ndarray  # (n, D)
    clip_text_vecs: np.ndarray  # (n, C)
    image_vecs: np.ndarray  # (n, C)
    attributes: Sequence[Mapping[str, str]]  # family -> value per item


def feature_count(text_dim: int) -> int:
    return text_dim + len(SCALAR_FEATURES)


def _agreement(wanted: Mapping[str, str], items: Sequence[Mapping[str, str]]) -> np.ndarray:
    if not wanted:
        return np.zeros(len(items), np.float32)
    return np.array([sum(a.get(f) == v for f, v in wanted.items()) / len(wanted) for a in items], np.float32)


def pair_features(query: QuerySide, items: ItemSide) -> np.ndarray:
    """(n, D + 6) float32 features; the kernel both training and the scorer call."""
    n = len(items.text_vecs)
    reference = (items.image_vecs @ query.reference_vec if query.reference_vec is not None
                 else np.zeros(n, np.float32))
    scalars = np.stack([items.text_vecs @ query.text_vec, items.clip_text_vecs @ query.clip_vec,
                        items.image_vecs @ query.clip_vec, reference,
                        _agreement(query.reference_attributes, items.attributes),
                        _agreement(query.target_attributes, items.attributes)], axis=1)
    return np.concatenate([items.text_vecs * query.text_vec[None, :], scalars], axis=1).astype(np.float32)


def confident_reference(understood) -> dict[str, str]:
    """The reference readings at or above READ_THRESHOLD confidence."""
    return {f: v for f, v in understood.reference_attributes.items()
            if understood.reference_confidence.get(f, 0.0) >= READ_THRESHOLD}


def query_text(understood) -> str:
    """The formatted query text both models read: the user's text with the reference's confident reading."""
    return format_query(understood.query.text, confident_reference(understood))


def query_side(context, understood) -> QuerySide:
    """The query side from a SearchContext (embeddings are cached by the context)."""
    text = understood.query.text.strip() or understood.enriched_text
    reference = context.reference_vector(understood) if (understood.query.item_id or understood.query.image_path) \
        else None
    return QuerySide(context.cached_text_vector("minilm", query_text(understood)),
                     context.cached_text_vector("clip", text) if text else np.zeros(
                         context.searcher(CLIP_TEXT_VEC).dim, np.float32),
                     None if reference is None else np.asarray(reference, np.float32),
                     confident_reference(understood), dict(understood.target_attributes))


def item_side(context, item_ids: Sequence[str]) -> ItemSide:
    """The items' stored vectors and readings from a SearchContext."""
    from engine.features.item_attributes import reader_for

    ids = list(item_ids)
    text, _ = context.searcher(TEXT_VEC).vectors(ids)
    clip_text, _ = context.searcher(CLIP_TEXT_VEC).vectors(ids)
    image, _ = context.searcher(IMAGE_VEC).vectors(ids)
    readings = reader_for(context).read_items(ids)
    return ItemSide(text, clip_text, image, [{f: v for f, (v, _) in r.items()} for r in readings])


def context_features(context, understood, item_ids: Sequence[str]) -> np.ndarray:
    return pair_features(query_side(context, understood), item_side(context, item_ids))
