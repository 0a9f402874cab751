"""Tiny hand-made catalogs of item attributes (a fashion one with its search log, a home-goods one with none)
and LanceDB workspaces holding them with their vocabulary."""

from __future__ import annotations

import json
from pathlib import Path

from engine.attributes.records import ItemAttribute
from engine.vocabulary import AttributeFamily, AttributeValue, Vocabulary, save_workspace_vocabulary
from engine.workspace import Workspace
from sample_data.workspace_vocabulary import fashion_vocabulary

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


def truth_json(item: str, items=None, families=FAMILIES) -> str:
    items = ITEMS if items is None else items
    return json.dumps({f: v for f, v in zip(families, items[item]) if v is not None})


# A home-goods catalog: families the fashion sample does not have, the product type called "item".
HOME_FAMILIES = ("item", "color", "material", "room")
HOME_ITEMS = {
    "h1": ("mug", "teal", "ceramic", "kitchen"),
    "h2": ("mug", "teal", "ceramic", "kitchen"),
    "h3": ("mug", "teal", "rattan", "kitchen"),
    "h4": ("mug", "white", "ceramic", "kitchen"),
    "h5": ("vase", "teal", "rattan", "bedroom"),
    "h6": ("vase", "white", "rattan", "bedroom"),
    "h7": ("vase", "white", "rattan", "bedroom"),
    "h8": ("vase", "white", "marble", "bedroom"),
    "h9": ("lamp", "white", "marble", None),
}


def home_vocabulary() -> Vocabulary:
    """color and material before the noun, room after it ("teal rattan mug for the kitchen")."""
    def family(name, values, **kw):
        return AttributeFamily(name, tuple(AttributeValue(v, tuple(f)) for v, f in values), **kw)

    return Vocabulary((
        family("color", [("teal", ["petrol"]), ("white", []), ("sage", ["sage green"])], visible=True,
               aspects=("palette",)),
        family("material", [("rattan", ["wicker"]), ("ceramic", ["stoneware"]), ("marble", [])], visible=True,
               pivot="made of {}", aspects=("finish",)),
        family("item", [("mug", []), ("vase", []), ("lamp", [])], visible=True),
        family("room", [("kitchen", []), ("bedroom", [])], pivot="for the {}", aspects=("which room",)),
    ), product_type="item", source="test:home")


def home_attribute_list() -> list[ItemAttribute]:
    return [ItemAttribute(item, family, value, 1.0)
            for item, values in HOME_ITEMS.items() for family, value in zip(HOME_FAMILIES, values) if value is not None]


def make_workspace(root: Path, column: str | None = "attributes", *, home: bool = False,
                   vocabulary: bool = True, scenes: tuple[str, ...] = ()) -> Workspace:
    """A workspace whose items table holds ITEMS (HOME_ITEMS with home=True), with the given attribute column
    ("attributes", "tagged_attributes" or None) and, unless vocabulary=False, the matching vocabulary.toml;
    the items in `scenes` are of kind "scene", the others of no kind (products)."""
    import lancedb
    import pyarrow as pa

    from engine.index.store import ITEMS_SCHEMA, ITEMS_TABLE

    workspace = Workspace(root).create()
    if vocabulary:
        save_workspace_vocabulary(workspace.root, home_vocabulary() if home else fashion_vocabulary())
    items, families = (HOME_ITEMS, HOME_FAMILIES) if home else (ITEMS, FAMILIES)
    attribute_list = home_attribute_list() if home else item_attribute_list()
    ids = sorted(items)
    columns = {f.name: pa.nulls(len(ids), f.type) for f in ITEMS_SCHEMA}
    columns["item_id"] = pa.array(ids, pa.string())
    columns["kind"] = pa.array(["scene" if i in scenes else None for i in ids], pa.string())
    fields = list(ITEMS_SCHEMA)
    if column == "attributes":
        columns["attributes"] = pa.array([truth_json(i, items, families) for i in ids], pa.string())
        fields.append(pa.field("attributes", pa.string()))
    elif column == "tagged_attributes":
        tags = [[{"family": a.family, "value": a.value, "confidence": a.confidence}
                 for a in attribute_list if a.item_id == i] for i in ids]
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
