"""Where item attributes come from: the tagger's `tagged_attributes` column, else the `attributes` column.

`tagged_attributes` (written by `workbench attributes run`) is a JSON list of {"family", "value",
"confidence"} per item. Without it, the index's `attributes` column (a JSON object family -> value: the
sample catalog's ground truth) is read with confidence 1.0, so that collections can be built before the
attribute pipeline has run. Scene photos (items of kind "scene": several products in one picture) are left
out: a collection lists products, and a scene's attributes describe no single one of them (in the fashion
sample they made 57% of the wrong items in the tagger's feeds).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from engine.attributes.records import ItemAttribute
from engine.collections.errors import CollectionsError
from engine.workspace import Workspace

TAGGED_COLUMN = "tagged_attributes"
ATTRIBUTES_COLUMN = "attributes"
KIND_COLUMN = "kind"
SCENE_KIND = "scene"  # engine.catalog.columns.KINDS: "product" (the default, also when empty) or "scene"


@dataclass(frozen=True)
class LoadedAttributes:
    """Item attributes and the column they were read from."""

    attributes: list[ItemAttribute]
    source: str  # TAGGED_COLUMN or ATTRIBUTES_COLUMN
    items: int  # rows of the items table read
    scenes: int = 0  # of them, scene photos left out


def _rows_from_tagged(item_id: str, text: str | None) -> list[ItemAttribute]:
    tags = json.loads(text) if text else []
    if not isinstance(tags, list):
        raise CollectionsError(f"item {item_id}: {TAGGED_COLUMN} must be a JSON list of "
                               f"{{family, value, confidence}}, got {text!r:.80}; rerun `workbench attributes run`")
    out = []
    for tag in tags:
        try:
            out.append(ItemAttribute(item_id, str(tag["family"]), str(tag["value"]), float(tag["confidence"])))
        except (KeyError, TypeError, ValueError):
            raise CollectionsError(f"item {item_id}: {TAGGED_COLUMN} entry {tag!r:.80} lacks family, value or a "
                                   "numeric confidence; rerun `workbench attributes run`") from None
    return out


def _rows_from_truth(item_id: str, text: str | None) -> list[ItemAttribute]:
    values = json.loads(text) if text else {}
    if not isinstance(values, dict):
        raise CollectionsError(f"item {item_id}: {ATTRIBUTES_COLUMN} must be a JSON object family -> value, "
                               f"got {text!r:.80}; rerun `workbench index`")
    return [ItemAttribute(item_id, str(f), str(v), 1.0) for f, v in sorted(values.items()) if v not in (None, "")]


def item_attributes(workspace: Workspace) -> LoadedAttributes:
    """Every product's attributes from the items table, from `tagged_attributes` when present, else `attributes`
    (scene photos left out)."""
    from engine.index.store import open_items_table, read_columns

    table = open_items_table(workspace)
    names = table.schema.names
    if TAGGED_COLUMN in names:
        column, parse = TAGGED_COLUMN, _rows_from_tagged
    elif ATTRIBUTES_COLUMN in names:
        column, parse = ATTRIBUTES_COLUMN, _rows_from_truth
    else:
        raise CollectionsError(
            f"the items table of {workspace.root} has no '{TAGGED_COLUMN}' or '{ATTRIBUTES_COLUMN}' column; "
            "run `workbench index` (catalog attributes) or `workbench attributes run` (the tagger) first")
    rows = read_columns(table, ["item_id", column, *([KIND_COLUMN] if KIND_COLUMN in names else [])]).to_pylist()
    out: list[ItemAttribute] = []
    scenes = 0
    for row in rows:
        if row.get(KIND_COLUMN) == SCENE_KIND:
            scenes += 1
            continue
        try:
            out.extend(parse(row["item_id"], row[column]))
        except json.JSONDecodeError as error:
            raise CollectionsError(f"item {row['item_id']}: {column} is not valid JSON ({error}); "
                                   "rerun the command that wrote it") from None
    if not out:
        raise CollectionsError(
            f"no item of {workspace.root} has attributes in its '{column}' column ({len(rows)} items read, "
            f"{scenes} of them scene photos, which collections leave out); "
            "run `workbench attributes run` (or `workbench index` for a catalog with attribute columns) first")
    return LoadedAttributes(out, column, len(rows), scenes)
