"""What the engine believes an item's attributes are, without ground truth.

The attribute tagger's column (`tagged_attributes`, written by `workbench attributes run`) when the index
has one, else zero-shot readings of the item's image with the open_clip model (engine/attributes/zero_shot.py),
computed on first use and cached. The catalog's own ground-truth `attributes` column is never read here:
the search must not see the answers the benchmark grades with.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from engine.attributes.zero_shot import DEFAULT_FAMILIES, ZeroShotTagger
from engine.index.columns import IMAGE_VEC
from engine.index.store import read_columns

TAGGED_COLUMN = "tagged_attributes"
Reading = dict[str, tuple[str, float]]  # family -> (value, confidence)


def vocabulary_values() -> dict[str, list[str]]:
    """Attribute values to read: the sample vocabulary (a curated vocabulary replaces it once one exists)."""
    from sample_data.vocabulary import load_vocabulary

    vocab = load_vocabulary()
    return {name: list(family.names) for name, family in vocab.families.items()}


def top_per_family(tags: Sequence[dict]) -> Reading:
    """The most confident value per family from a tagger's list of {family, value, confidence}."""
    out: Reading = {}
    for tag in tags:
        family, value, confidence = tag["family"], tag["value"], float(tag["confidence"])
        if family not in out or confidence > out[family][1]:
            out[family] = (value, confidence)
    return out


class ItemAttributeReader:
    """Readings of catalog items and of query images, from the tagger's column or zero-shot."""

    def __init__(self, table, encode_texts, searcher, values: dict[str, list[str]] | None = None,
                 families: Sequence[str] = DEFAULT_FAMILIES):
        self.searcher = searcher  # VectorSearcher over image_vec
        self.source = "zero-shot"
        self._cache: dict[str, Reading] = {}
        if TAGGED_COLUMN in table.schema.names:
            self.source = "tagger"
            for row in read_columns(table, ["item_id", TAGGED_COLUMN]).to_pylist():
                self._cache[row["item_id"]] = top_per_family(json.loads(row[TAGGED_COLUMN] or "[]"))
        self.zero_shot = ZeroShotTagger(encode_texts, values or vocabulary_values(), families=tuple(families))

    def read_vectors(self, image_vecs: np.ndarray) -> list[Reading]:
        """Zero-shot readings of image embeddings (a query image or crop, or items without a tagger)."""
        if len(image_vecs) == 0:
            return []
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
                                                                context.searcher(IMAGE_VEC))
    return context.cache["attribute_reader"]
