"""The student's cheap features, from what the search knows at serve time: no model runs per candidate.

The judge sees what a rater sees, read by the engine rather than from the catalog's truth: the query's intent
(pivot, descriptor, image or text) and its targets, the reference's confident reading and image vector, and each
result's reading (tagger column or zero-shot), stored text and image vectors. Raters grade by explicit matches
(same product type? the asked value? how many of the reference's other visible attributes kept?), so the features
say those matches outright instead of leaving an MLP to find them in a 384-d text product:

    cos_text             cos(query MiniLM, text_vec)
    cos_clip_text        cos(query open_clip text, clip_text_vec)
    cos_text_image       cos(query open_clip text, image_vec)
    cos_reference_image  cos(reference image_vec, image_vec) (0 without a reference)
    reference_agreement  share of the reference's confident readings the item shares
    target_agreement     share of the query's targets (product type included) the item's reading matches
    is_pivot, is_descriptor, has_reference          the query's intent
    type_known           the query names a product type (a target, else the reference's reading)
    type_match           the item's product type is that one
    aspect_known         the query targets a family other than the product type
    aspect_match         share of those targets the item's reading matches
    aspect_unread        share of those target families the item has no reading of
    kept_total           the reference's confident visible readings that are neither product type nor target
    kept_match, kept_miss    how many of those the item shares / reads otherwise
    kept_any, kept_all   at least one / every one of them shared (kept_all is 0 when kept_total is 0)
    type_and_aspect      type_match * aspect_match (the raters' "same product, asked value")
    text_*               the same matches read from the enriched texts instead of the images: the reference's
                         values are what its own text names most (over its image reading), an item's match of a
                         value is that value's share of the item's text mentions of the family (its image
                         reading where its text names none of the family): text_type, text_aspect,
                         text_kept_total, text_kept_share (mean), text_kept_all, text_kept_any

FEATURE_VERSION names this layout; a checkpoint recorded with another is refused (retrain).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from engine.index.columns import CLIP_TEXT_VEC, IMAGE_VEC, TEXT_VEC
from engine.models.relevance.examples import format_query

FEATURE_VERSION = 2  # 1: MiniLM text product + 6 scalars; 2: the explicit match features above, no text product
SCALAR_FEATURES = ("cos_text", "cos_clip_text", "cos_text_image", "cos_reference_image", "reference_agreement",
                   "target_agreement", "is_pivot", "is_descriptor", "has_reference", "type_known", "type_match",
                   "aspect_known", "aspect_match", "aspect_unread", "kept_total", "kept_match", "kept_miss",
                   "kept_any", "kept_all", "type_and_aspect", "text_type", "text_aspect", "text_kept_total",
                   "text_kept_share", "text_kept_all", "text_kept_any")
READ_THRESHOLD = 0.4  # as engine/query/understand.py: a reading below it is not searched for


@dataclass(frozen=True)
class QuerySide:
    """What the features need of one query, computed once."""

    text_vec: np.ndarray  # (D,) MiniLM of the formatted query text
    clip_vec: np.ndarray  # (C,) open_clip text vector of the query text
    reference_vec: np.ndarray | None  # (C,) open_clip vector of the reference image or crop
    reference_attributes: Mapping[str, str]  # confident readings of the reference
    target_attributes: Mapping[str, str]  # what the query asks for (pivot) or describes (descriptor)
    mode: str = ""  # the understood intent: pivot, descriptor, image or text
    product_type: str | None = None  # the vocabulary's product-type family (None: the catalog has none)
    visible_families: tuple[str, ...] | None = None  # families a rater sees in an image (None: every family)
    reference_text: Mapping[str, str] | None = None  # family -> the value the reference's own text names most


@dataclass(frozen=True)
class ItemSide:
    """Stored vectors (zeros where missing) and readings of n items."""

    text_vecs: np.ndarray  # (n, D)
    clip_text_vecs: np.ndarray  # (n, C)
    image_vecs: np.ndarray  # (n, C)
    attributes: Sequence[Mapping[str, str]]  # family -> value per item
    mentions: Sequence[Mapping[str, Mapping[str, int]]] | None = None  # family -> value -> mentions in its text


def feature_count(text_dim: int | None = None) -> int:
    """Columns of pair_features (no longer depends on the text model's width; the argument is accepted for
    callers that pass it)."""
    return len(SCALAR_FEATURES)


def _agreement(wanted: Mapping[str, str], items: Sequence[Mapping[str, str]]) -> np.ndarray:
    if not wanted:
        return np.zeros(len(items), np.float32)
    return np.array([sum(a.get(f) == v for f, v in wanted.items()) / len(wanted) for a in items], np.float32)


def match_features(query: QuerySide, items: Sequence[Mapping[str, str]]) -> np.ndarray:
    """(n, 14) the intent and explicit-match columns (is_pivot .. type_and_aspect), from readings only."""
    n = len(items)
    ptype = query.product_type
    targets = dict(query.target_attributes)
    reference = dict(query.reference_attributes)
    wanted_type = targets.get(ptype) if ptype else None
    if wanted_type is None and ptype:
        wanted_type = reference.get(ptype)
    aspects = {f: v for f, v in targets.items() if f != ptype}
    visible = set(query.visible_families) if query.visible_families is not None else None
    kept = {f: v for f, v in reference.items()
            if f != ptype and f not in aspects and (visible is None or f in visible)}
    rows = []
    for item in items:
        type_match = float(wanted_type is not None and item.get(ptype) == wanted_type)
        aspect = sum(item.get(f) == v for f, v in aspects.items()) / len(aspects) if aspects else 0.0
        unread = sum(f not in item for f in aspects) / len(aspects) if aspects else 0.0
        matched = sum(item.get(f) == v for f, v in kept.items())
        missed = sum(f in item and item[f] != v for f, v in kept.items())
        rows.append((type_match, aspect, unread, matched, missed, matched > 0, bool(kept) and matched == len(kept),
                     type_match * aspect))
    out = np.zeros((n, 14), np.float32)
    out[:, 0] = query.mode == "pivot"
    out[:, 1] = query.mode == "descriptor"
    out[:, 2] = bool(reference) or query.reference_vec is not None
    out[:, 3] = wanted_type is not None
    out[:, 5] = bool(aspects)
    out[:, 8] = len(kept)
    if rows:
        out[:, [4, 6, 7, 9, 10, 11, 12, 13]] = np.asarray(rows, np.float32)
    return out


def text_mentions(lexicon, text: str | None) -> dict[str, dict[str, int]]:
    """family -> value -> how often the text names the value (any of its surface forms), by the query lexicon."""
    out: dict[str, dict[str, int]] = {}
    if lexicon is None or not text:
        return out
    for match in lexicon.find(text):
        if match.entry.kind == "value":
            family = out.setdefault(match.entry.family, {})
            family[match.entry.value] = family.get(match.entry.value, 0) + 1
    return out


def dominant_values(mentions: Mapping[str, Mapping[str, int]]) -> dict[str, str]:
    """family -> the value named most (ties: the first in sorted order)."""
    return {f: max(sorted(counts), key=lambda v: counts[v]) for f, counts in mentions.items() if counts}


def _text_match(reading: Mapping[str, str], mentions: Mapping[str, Mapping[str, int]], family: str,
                value: str) -> float:
    counts = mentions.get(family)
    if counts:
        return counts.get(value, 0) / sum(counts.values())
    return float(reading.get(family) == value)


def text_match_features(query: QuerySide, items: Sequence[Mapping[str, str]],
                        mentions: Sequence[Mapping[str, Mapping[str, int]]] | None) -> np.ndarray:
    """(n, 6) text_type .. text_kept_any: the matches with values read from the texts (readings where none)."""
    n = len(items)
    mentions = mentions if mentions is not None else [{}] * n
    ptype = query.product_type
    visible = set(query.visible_families) if query.visible_families is not None else None
    reference = {**query.reference_attributes, **{f: v for f, v in (query.reference_text or {}).items()
                                                  if visible is None or f in visible or f == ptype}}
    targets = dict(query.target_attributes)
    wanted_type = None  # a text query's own product type, else the reference's (its text over its reading)
    if ptype:
        wanted_type = targets.get(ptype) if query.mode == "text" else reference.get(ptype, targets.get(ptype))
    aspects = {f: (reference.get(f, v) if query.mode == "descriptor" else v) for f, v in targets.items() if f != ptype}
    kept = {f: v for f, v in reference.items()
            if f != ptype and f not in aspects and (visible is None or f in visible)}
    rows = []
    for item, said in zip(items, mentions):
        type_share = _text_match(item, said, ptype, wanted_type) if wanted_type is not None else 0.0
        aspect = sum(_text_match(item, said, f, v) for f, v in aspects.items()) / len(aspects) if aspects else 0.0
        shares = [_text_match(item, said, f, v) for f, v in kept.items()] or [0.0]
        rows.append((type_share, aspect, sum(shares) / len(shares), min(shares), max(shares)))
    out = np.zeros((n, 6), np.float32)
    out[:, 2] = len(kept)
    if rows:
        out[:, [0, 1, 3, 4, 5]] = np.asarray(rows, np.float32)
    return out


def pair_features(query: QuerySide, items: ItemSide) -> np.ndarray:
    """(n, len(SCALAR_FEATURES)) float32 features; the kernel both training and the scorer call."""
    n = len(items.text_vecs)
    reference = (items.image_vecs @ query.reference_vec if query.reference_vec is not None
                 else np.zeros(n, np.float32))
    similarities = np.stack([items.text_vecs @ query.text_vec, items.clip_text_vecs @ query.clip_vec,
                             items.image_vecs @ query.clip_vec, reference,
                             _agreement(query.reference_attributes, items.attributes),
                             _agreement(query.target_attributes, items.attributes)], axis=1)
    return np.concatenate([similarities, match_features(query, items.attributes),
                           text_match_features(query, items.attributes, items.mentions)], axis=1).astype(np.float32)


def confident_reference(understood) -> dict[str, str]:
    """The reference readings at or above READ_THRESHOLD confidence."""
    return {f: v for f, v in understood.reference_attributes.items()
            if understood.reference_confidence.get(f, 0.0) >= READ_THRESHOLD}


def query_text(understood) -> str:
    """The formatted query text both models read: the user's text with the reference's confident reading."""
    return format_query(understood.query.text, confident_reference(understood))


def _vocabulary_sides(context) -> tuple[str | None, tuple[str, ...] | None]:
    vocabulary = getattr(context, "vocabulary", None)
    if vocabulary is None or vocabulary.is_empty():
        return None, None  # no vocabulary, no product type: the type columns stay 0
    return vocabulary.product_type, tuple(vocabulary.visible_families) or None


def query_side(context, understood) -> QuerySide:
    """The query side from a SearchContext (embeddings are cached by the context)."""
    text = understood.query.text.strip() or understood.enriched_text
    reference = context.reference_vector(understood) if (understood.query.item_id or understood.query.image_path) \
        else None
    product_type, visible = _vocabulary_sides(context)
    reference_item = understood.surrogate_item or (understood.query.item_id if understood.query.crop is None
                                                   else None)
    reference_text = dominant_values(item_mentions(context, [reference_item])[0]) if reference_item else None
    return QuerySide(context.cached_text_vector("minilm", query_text(understood)),
                     context.cached_text_vector("clip", text) if text else np.zeros(
                         context.searcher(CLIP_TEXT_VEC).dim, np.float32),
                     None if reference is None else np.asarray(reference, np.float32),
                     confident_reference(understood), dict(understood.target_attributes), understood.mode,
                     product_type, visible, reference_text)


def item_side(context, item_ids: Sequence[str]) -> ItemSide:
    """The items' stored vectors and readings from a SearchContext."""
    from engine.features.item_attributes import reader_for

    ids = list(item_ids)
    text, _ = context.searcher(TEXT_VEC).vectors(ids)
    clip_text, _ = context.searcher(CLIP_TEXT_VEC).vectors(ids)
    image, _ = context.searcher(IMAGE_VEC).vectors(ids)
    readings = reader_for(context).read_items(ids)
    return ItemSide(text, clip_text, image, [{f: v for f, (v, _) in r.items()} for r in readings],
                    item_mentions(context, ids))


MENTIONS_KEY = "relevance_text_mentions"


def item_mentions(context, item_ids: Sequence[str]) -> list[dict[str, dict[str, int]]]:
    """Each item's text mentions (text_mentions of its enriched text), memoised in context.cache: the texts are
    read once per context, an item's mentions found on first use. Empty without a table or a lexicon."""
    cache = context.cache.setdefault(MENTIONS_KEY, {"texts": None, "found": {}})
    if cache["texts"] is None:
        cache["texts"] = _enriched_texts(context)
    found, texts = cache["found"], cache["texts"]
    lexicon = getattr(context, "lexicon", None) if texts else None
    for item_id in item_ids:
        if item_id not in found:
            found[item_id] = text_mentions(lexicon, texts.get(item_id))
    return [found[i] for i in item_ids]


def _enriched_texts(context) -> dict[str, str]:
    from engine.index.columns import ENRICHED_TEXT
    from engine.index.store import read_columns

    table = getattr(context, "table", None)
    if table is None or ENRICHED_TEXT not in table.schema.names:
        return {}
    return {r["item_id"]: r[ENRICHED_TEXT] or "" for r in read_columns(table, ["item_id", ENRICHED_TEXT]).to_pylist()}


def context_features(context, understood, item_ids: Sequence[str]) -> np.ndarray:
    return pair_features(query_side(context, understood), item_side(context, item_ids))
