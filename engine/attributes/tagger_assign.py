"""Assignment: keep each item's attributes above their calibrated thresholds; write them to the items table.

Rule (documented in the checkpoint's settings): of each family, the item's `max_per_family` best
values (default 1) are candidates, and a candidate is kept when its score reaches its threshold (the
thresholds were calibrated on exactly these candidates); for each family in `always_top_families`
(the workspace vocabulary's product type, which every product has) the top value is kept even below threshold.
Other families may stay empty: a family need not apply (a handbag has no season).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from engine.attributes.records import ItemAttribute

TAGGED_COLUMN = "tagged_attributes"  # JSON list of {"family","value","confidence"}, by family then confidence desc


def assign_rows(scores: np.ndarray, confidences: np.ndarray, thresholds: Sequence[float],
                attributes: Sequence[tuple[str, str]], *, always_top_families: Sequence[str] = (),
                max_per_family: int = 3) -> list[list[tuple[str, str, float]]]:
    """Per item, the kept (family, value, confidence), sorted by family then confidence desc."""
    scores = np.asarray(scores)
    if scores.ndim != 2 or scores.shape[1] != len(attributes) or len(thresholds) != len(attributes):
        raise ValueError(f"scores {scores.shape}, {len(thresholds)} thresholds and {len(attributes)} attributes "
                         "do not line up")
    families = sorted({f for f, _ in attributes})
    columns = {f: np.array([j for j, (g, _) in enumerate(attributes) if g == f]) for f in families}
    above = scores >= np.asarray(thresholds)[None, :]
    out = []
    for i in range(len(scores)):
        kept: list[tuple[str, str, float]] = []
        for family in families:
            cols = columns[family]
            best = sorted(cols, key=lambda j: (-scores[i, j], j))[:max_per_family]
            chosen = [j for j in best if above[i, j]]
            if not chosen and family in always_top_families:
                chosen = best[:1]
            kept += [(family, attributes[j][1], round(float(confidences[i, j]), 4)) for j in chosen]
        out.append(kept)
    return out


def to_item_attributes(item_ids: Sequence[str], rows: Sequence[list[tuple[str, str, float]]]) -> list[ItemAttribute]:
    return [ItemAttribute(item, f, v, c) for item, row in zip(item_ids, rows) for f, v, c in row]


def write_tagged(table, item_ids: Sequence[str], rows: Sequence[list[tuple[str, str, float]]]) -> int:
    """Replace the `tagged_attributes` column's value of these items (adding the column if missing)."""
    if TAGGED_COLUMN not in table.schema.names:
        table.add_columns([pa.field(TAGGED_COLUMN, pa.string(), nullable=True)])
    if not item_ids:
        return 0
    values = [json.dumps([{"family": f, "value": v, "confidence": c} for f, v, c in row]) for row in rows]
    schema = pa.schema([pa.field("item_id", pa.string(), nullable=False), pa.field(TAGGED_COLUMN, pa.string())])
    data = pa.Table.from_arrays([pa.array(list(item_ids), pa.string()), pa.array(values, pa.string())],
                                schema=schema)
    table.merge_insert("item_id").when_matched_update_all().execute(data)
    return len(item_ids)


def read_tagged(table) -> dict[str, list[dict]]:
    """item_id -> the tagged attributes written by `write_tagged` (items never tagged are absent)."""
    from engine.index.store import read_columns

    if TAGGED_COLUMN not in table.schema.names:
        return {}
    rows = read_columns(table, ["item_id", TAGGED_COLUMN], where=f"{TAGGED_COLUMN} IS NOT NULL").to_pylist()
    return {r["item_id"]: json.loads(r[TAGGED_COLUMN]) for r in rows}
