"""A Vocabulary from attribute columns of the user's metadata (color, material, room, ...): ground truth.

Ingested columns that are not documented catalog columns land in each item's `extra` JSON
(engine/catalog/ingest.py); `workbench ingest --attribute-columns` and `workbench vocabulary
from-columns` turn some of them into families. Rules:
  family name   the column name as written (the index and evaluation look the column up by it);
  values        each distinct value, normalised (NFC, lowercase, single spaces); values spelled alike
                ("Mid Century", "mid-century") are one value named by the most frequent spelling, the
                others kept as its surface forms. A list value (JSON array) gives one value per element;
  defaults      visible, pivot and aspects as for learned vocabularies (learn.py); the aspects are the
                column name with "_" read as a space.
A column no item has, or one with fewer than two values, is an error naming it (leave it out).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from engine.vocabulary.errors import VocabularyError
from engine.vocabulary.learn import PIVOT_WORDS, PRODUCT_TYPE_PIVOT, VISIBLE_WORDS
from engine.vocabulary.records import DEFAULT_PIVOT, AttributeFamily, AttributeValue, Vocabulary, phrase_key


def _normalise(value: str) -> str:
    from engine.attributes.curate_keys import normalise_value

    return normalise_value(value)


def column_values(row: Mapping, column: str) -> list[str]:
    """The normalised values an item has in one column (none when missing or empty)."""
    raw = row.get(column)
    if isinstance(raw, str) and raw.strip().startswith("["):
        try:
            raw = json.loads(raw)
        except ValueError:
            pass
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for v in items:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            v = str(v)
        if isinstance(v, str) and _normalise(v):
            out.append(_normalise(v))
    return out


def family_from_column(column: str, rows: Sequence[Mapping], *, product_type: bool = False) -> AttributeFamily:
    """One family from one column of the rows (dicts of column -> value)."""
    from engine.attributes.curate_keys import spelling_key

    counts: Counter = Counter()
    for row in rows:
        counts.update(set(column_values(row, column)))
    if not counts:
        present = sorted({k for row in rows for k in row})
        raise VocabularyError(f"attribute column {column!r}: no item has a value in it; the items' extra columns "
                              f"are {', '.join(present[:30]) or 'none'}. Check the name (it is case-sensitive)")
    groups: dict[str, list[str]] = {}
    for value in counts:
        groups.setdefault(spelling_key(value) or value, []).append(value)
    values = []
    for members in groups.values():
        members.sort(key=lambda v: (-counts[v], v))
        values.append((sum(counts[m] for m in members), AttributeValue(members[0], tuple(members[1:]))))
    values.sort(key=lambda cv: (-cv[0], cv[1].name))
    if len(values) < 2:
        raise VocabularyError(f"attribute column {column!r} has one value ({values[0][1].name!r}) on every item "
                              "that has it; a family needs two values to tell items apart. Leave it out of --columns")
    aspect = " ".join(column.replace("_", " ").split())
    words = {phrase_key(aspect), phrase_key(column)}
    pivot = PRODUCT_TYPE_PIVOT if product_type else next((p for w, p in PIVOT_WORDS.items() if w in words),
                                                         DEFAULT_PIVOT)
    forms = {phrase_key(s) for _, v in values for s in v.surface_forms}
    return AttributeFamily(column, tuple(v for _, v in values),
                           aspects=tuple(a for a in dict.fromkeys([aspect]) if phrase_key(a) not in forms),
                           visible=product_type or bool(words & set(VISIBLE_WORDS)), pivot=pivot)


def vocabulary_from_columns(rows: Iterable[Mapping], columns: Sequence[str], *, product_type: str | None = None,
                            source: str = "columns") -> Vocabulary:
    """Families straight from the named columns; `product_type` must be one of them (or None)."""
    columns = [c.strip() for c in columns if c.strip()]
    if not columns:
        raise VocabularyError("no attribute columns given; pass them like --columns color,material,room")
    if len(set(columns)) != len(columns):
        raise VocabularyError(f"a column is named twice in {', '.join(columns)}; name each once")
    if product_type is not None and product_type not in columns:
        columns = [product_type, *columns]
    rows = list(rows)
    families = [family_from_column(c, rows, product_type=c == product_type) for c in columns]
    order = sorted(families, key=lambda f: (0 if f.visible and f.name != product_type else
                                            1 if f.name == product_type else 2, columns.index(f.name)))
    return Vocabulary(tuple(order), product_type=product_type, source=source)


def merge_vocabularies(current: Vocabulary, new: Vocabulary) -> Vocabulary:
    """`current` with `new`'s families replacing same-named ones (in place) or added; product type: new's, else current's."""
    by_name = {f.name: f for f in new.families}
    families = [by_name.pop(f.name, f) for f in current.families] + list(by_name.values())  # replaced in place
    product_type = new.product_type or current.product_type
    return Vocabulary(tuple(families), product_type=product_type, source=new.source)


def item_extras(workspace) -> list[dict]:
    """Every ingested item's `extra` columns (the undocumented metadata columns), with its item_id."""
    from engine.index.store import open_items_table, read_columns

    rows = read_columns(open_items_table(workspace), ["item_id", "extra"]).to_pylist()
    out = []
    for r in rows:
        try:
            extra = json.loads(r["extra"]) if r["extra"] else {}
        except ValueError:
            extra = {}
        out.append({**(extra if isinstance(extra, dict) else {}), "item_id": r["item_id"]})
    return out
