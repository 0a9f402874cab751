"""An item's attribute values in the workspace vocabulary's families, from whatever the workspace holds.

The index's `attributes` column (the catalog's own attribute columns) comes first, then attribute columns
kept verbatim in `extra` (a catalog ingested but not indexed), then the tagger's most confident tag per
family (`tagged_attributes`, for catalogs without attribute columns). Values are the vocabulary's canonical
names where it knows the phrase ("wicker" -> "rattan").
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from engine.vocabulary import Vocabulary


def _parsed(value, kind: type):
    if value is None or value == "":
        return kind()
    if isinstance(value, str):
        value = json.loads(value)
    return value if isinstance(value, kind) else kind()


def item_values(vocab: Vocabulary, *, attributes=None, extra=None, tagged=None) -> dict[str, str]:
    """family -> value for the vocabulary's families (every family given when the vocabulary is empty)."""
    out: dict[str, str] = {}

    def put(family, value) -> None:
        family, value = str(family), " ".join(str(value).split()) if value is not None else ""
        if not value or family in out or (not vocab.is_empty() and family not in vocab):
            return
        out[family] = (vocab.canonical(family, value) if family in vocab else None) or value

    for source in (_parsed(attributes, dict), _parsed(extra, dict)):
        for family, value in sorted(source.items()):
            if not isinstance(value, (Mapping, list)):
                put(family, value)
    best: dict[str, tuple[float, str]] = {}
    for tag in _parsed(tagged, list):
        if isinstance(tag, Mapping) and "family" in tag and "value" in tag:
            confidence = float(tag.get("confidence", 1.0))
            if tag["family"] not in best or confidence > best[tag["family"]][0]:
                best[tag["family"]] = (confidence, tag["value"])
    for family, (_, value) in sorted(best.items()):
        put(family, value)
    return out
