"""A tiny hand-made catalog of item attributes, its search log, and a LanceDB workspace holding it."""

from __future__ import annotations

import json
from pathlib import Path

from engine.attributes.records import ItemAttribute
from engine.workspace import Workspace

# item -> (category, color, season, occasion); None = the item lacks that family.
ITEMS = {
    "i01": ("dress", "yellow", "summer", "party"),
    "i02": ("dress", "yellow", "summer", "party"),
    "i03": ("dress", "yellow", "summer", "casual"),
    "i04": ("dress", "red", "summer", "party"),
    "i05": ("dress", "yellow", "winter", "party"),
    "i06": ("shirt", "yellow", "summer", "casual"),
    "i07": ("shirt", "blue", "summer", "casual"),
    "i08": ("shirt", "blue", "winter", "office"),
    "i09": ("shirt", "blue", "summer", "casual"),
    "i10": ("dress", "yellow", "summer", "party"),  # its color is only 0.6 confident
    "i11": (None, "yellow", "summer", None),  # no category: in no topic, in no feed
    "i12": ("dress", None, None, None),  # a category alone: in no topic, in no feed
}
FAMILIES = ("category", "color", "season", "occasion")
LOW = {("i10", "color"): 0.6}

# query text -> number of searches
QUERIES = {"yellow summer party dress": 2, "yellow dress": 3, "dress": 5, "blue shirt for the office": 1,
           "summer party": 1}


def item_attribute_list() -> list[ItemAttribute]:
    return [ItemAttribute(item, family, value, LOW.get((item, family), 1.0))
            for item, values in ITEMS.items() for family, value in zip(FAMILIES, values) if value is not None]


def truth_json(item: str) -> str:
    return json.dumps({f: v for f, v in zip(FAMILIES, ITEMS[item]) if v is not None})


def make_workspace(root: Path, column: str | None = "attributes") -> Workspace:
    """A workspace whose items table holds ITEMS, with the given attribute column ("attributes",
    "tagged_attributes" or None)."""
    import lancedb
    import pyarrow as pa

    from engine.index.store import ITEMS_SCHEMA, ITEMS_TABLE

    workspace = Workspace(root).create()
    ids = sorted(ITEMS)
    columns = {f.name: pa.nulls(len(ids), f.type) for f in ITEMS_SCHEMA}
    columns["item_id"] = pa.array(ids, pa.string())
    fields = list(ITEMS_SCHEMA)
    if column == "attributes":
        columns["attributes"] = pa.array([truth_json(i) for i in ids], pa.string())
        fields.append(pa.field("attributes", pa.string()))
    elif column == "tagged_attributes":
        tags = [[{"family": a.family, "value": a.value, "confidence": a.confidence}
                 for a in item_attribute_list() if a.item_id == i] for i in ids]
        columns["tagged_attributes"] = pa.array([json.dumps(t) for t in tags], pa.string())
        fields.append(pa.field("tagged_attributes", pa.string()))
    table = pa.table({f.name: columns[f.name] for f in fields}, schema=pa.schema(fields))
    lancedb.connect(str(workspace.lancedb_dir)).create_table(ITEMS_TABLE, data=table)
    return workspace


def write_search_log(folder: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    queries = [q for q, n in QUERIES.items() for _ in range(n)]
    pq.write_table(pa.table({"search_id": list(range(len(queries))), "query": queries}), folder / "searches.parquet")
    return folder
