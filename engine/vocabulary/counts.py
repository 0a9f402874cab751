"""How many items carry each value of a vocabulary: from the catalog's own columns and from the tagger."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from engine.vocabulary.records import Vocabulary

CATALOG, TAGGED = "catalog", "tagged"  # where a count comes from: the metadata (ground truth), the tagger


@dataclass(frozen=True)
class ValueCounts:
    """(family, value) -> items, per source; values the vocabulary does not know are counted apart."""

    counts: dict[str, Counter] = field(default_factory=dict)  # source -> Counter((family, value))
    unknown: dict[str, Counter] = field(default_factory=dict)  # source -> Counter(family) of unmapped values
    items: int = 0

    def of(self, family: str, value: str, source: str) -> int:
        return self.counts.get(source, Counter())[(family, value)]

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(s for s in (CATALOG, TAGGED) if self.counts.get(s))


def count_values(vocab: Vocabulary, rows: Iterable[Mapping[str, Iterable[tuple[str, str]]]]) -> ValueCounts:
    """Count items per canonical value; each row maps a source to the item's (family, phrase) pairs."""
    counts: dict[str, Counter] = {}
    unknown: dict[str, Counter] = {}
    n = 0
    for row in rows:
        n += 1
        for source, pairs in row.items():
            seen = set()
            for family, phrase in pairs:
                if family not in vocab:
                    continue
                value = vocab.canonical(family, str(phrase))
                if value is None:
                    unknown.setdefault(source, Counter())[family] += 1
                elif (family, value) not in seen:
                    seen.add((family, value))
                    counts.setdefault(source, Counter())[(family, value)] += 1
    return ValueCounts(counts, unknown, n)


def _catalog_pairs(vocab: Vocabulary, extra: Mapping, truth: Mapping) -> list[tuple[str, str]]:
    from engine.vocabulary.from_columns import column_values

    pairs = [(f, v) for f in vocab.family_names for v in column_values(extra, f)]
    have = {f for f, _ in pairs}
    pairs += [(f, v) for f, v in truth.items() if f not in have and isinstance(v, str) and v]
    return pairs


def workspace_value_counts(workspace, vocab: Vocabulary) -> ValueCounts | None:
    """Counts over the workspace's items table (None when it has no items table yet)."""
    from engine.index.store import items_table_exists, open_items_table, read_columns

    if not items_table_exists(workspace):
        return None
    table = open_items_table(workspace)
    names = table.schema.names
    columns = [c for c in ("extra", "attributes", "tagged_attributes") if c in names]
    rows = []
    for r in read_columns(table, ["item_id", *columns]).to_pylist():
        extra = _json(r.get("extra"), {})
        truth = _json(r.get("attributes"), {})
        tagged = _json(r.get("tagged_attributes"), [])
        rows.append({CATALOG: _catalog_pairs(vocab, extra if isinstance(extra, dict) else {},
                                             truth if isinstance(truth, dict) else {}),
                     TAGGED: [(t.get("family"), t.get("value")) for t in tagged if isinstance(t, dict)]})
    return count_values(vocab, rows)


def _json(text, default):
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default
