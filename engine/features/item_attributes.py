"""What the engine believes an item's attributes are, without ground truth.

The attribute tagger's column (`tagged_attributes`, written by `workbench attributes run`) when the index
has one, else zero-shot readings of the item's image with the open_clip model (engine/attributes/zero_shot.py),
computed on first use and cached. The catalog's own ground-truth `attributes` column is never read here:
the search must not see the answers the benchmark grades with.

A reading counts (boosts, fills, is searched for) only at or above its calibrated threshold: for the tagger,
the confidence its calibration gives at an attribute's own threshold (the target precision: confidence is
sigmoid(logit(target) + slope * (score - threshold)), slope > 0); for zero-shot, READ_THRESHOLD. The tagger
keeps its product type's top value even below threshold, so its column can hold such readings.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from engine.attributes.zero_shot import zero_shot_tagger
from engine.index.columns import IMAGE_VEC
from engine.index.store import read_columns
from engine.query.understand import READ_THRESHOLD
from engine.vocabulary import Vocabulary

TAGGED_COLUMN = "tagged_attributes"
Reading = dict[str, tuple[str, float]]  # family -> (value, confidence)


def top_per_family(tags: Sequence[dict]) -> Reading:
    """The most confident value per family from a tagger's list of {family, value, confidence}."""
    out: Reading = {}
    for tag in tags:
        family, value, confidence = tag["family"], tag["value"], float(tag["confidence"])
        if family not in out or confidence > out[family][1]:
            out[family] = (value, confidence)
    return out


def split_reading(reading: Reading, threshold: float) -> tuple[dict[str, str], dict[str, str], dict[str, float]]:
    """(values at or above threshold, values below it, every reading's confidence)."""
    confident = {f: v for f, (v, c) in reading.items() if c >= threshold}
    uncertain = {f: v for f, (v, c) in reading.items() if c < threshold}
    return confident, uncertain, {f: c for f, (_, c) in reading.items()}


def tagger_threshold(workspace) -> float | None:
    """The confidence at the tagger's calibrated thresholds (its target precision), from the checkpoint's metadata;
    None when there is no readable metadata."""
    from engine.attributes.tagger_checkpoint import workspace_checkpoint
    from engine.models.checkpoint_files import meta_path

    try:
        meta = json.loads(meta_path(workspace_checkpoint(workspace)).read_text())
        return float(meta["calibration"]["target_precision"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


class ItemAttributeReader:
    """Readings of catalog items and of query images, from the tagger's column or zero-shot."""

    def __init__(self, table, encode_texts, searcher, vocabulary: Vocabulary, tagger_threshold: float | None = None):
        """tagger_threshold: the confidence at the tagger's calibrated thresholds (None: unknown; then every value
        in its column counts, as assignment kept only those at threshold but the product type's top value)."""
        self.searcher = searcher  # VectorSearcher over image_vec
        self.vocabulary = vocabulary
        self.source = "zero-shot"
        self.item_threshold = READ_THRESHOLD  # the confidence at which read_items' readings count
        self._cache: dict[str, Reading] = {}
        if TAGGED_COLUMN in table.schema.names:
            self.source = "tagger"
            self.item_threshold = 0.0 if tagger_threshold is None else tagger_threshold
            for row in read_columns(table, ["item_id", TAGGED_COLUMN]).to_pylist():
                tags = [t for t in json.loads(row[TAGGED_COLUMN] or "[]") if t.get("family") in vocabulary]
                self._cache[row["item_id"]] = top_per_family(tags)
        # No visible family (or no vocabulary at all): images are not read; attributes are unknown.
        self.zero_shot = zero_shot_tagger(encode_texts, vocabulary) if vocabulary.visible_families else None

    def read_vectors(self, image_vecs: np.ndarray) -> list[Reading]:
        """Zero-shot readings of image embeddings (a query image or crop, or items without a tagger)."""
        if len(image_vecs) == 0:
            return []
        if self.zero_shot is None:
            return [{} for _ in range(len(image_vecs))]
        return [{f: (t.value, t.confidence) for f, t in tags.items()} for tags in self.zero_shot.tag(image_vecs)]

    def read_items(self, item_ids: Sequence[str]) -> list[Reading]:
        """Readings of catalog items, in order; an item without an image vector reads as {}."""
        missing = [i for i in dict.fromkeys(item_ids) if i not in self._cache]
        if missing:
            vecs, found = self.searcher.vectors(missing)
            readings = self.read_vectors(vecs[found])
            for item_id, reading in zip([m for m, f in zip(missing, found) if f], readings):
                self._cache[item_id] = reading
            for item_id, f in zip(missing, found):
                if not f:
                    self._cache[item_id] = {}
        return [self._cache[i] for i in item_ids]


def reader_for(context) -> ItemAttributeReader:
    """The context's reader, made on first use and kept in its cache."""
    if "attribute_reader" not in context.cache:
        context.cache["attribute_reader"] = ItemAttributeReader(context.table, context.clip.encode_texts,
                                                                context.searcher(IMAGE_VEC), context.vocabulary,
                                                                tagger_threshold(context.workspace))
    return context.cache["attribute_reader"]
