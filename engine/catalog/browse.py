"""Pages of the catalog for the app: filter by kind and text, sorted by item_id."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from engine.catalog.columns import KINDS
from engine.index.store import CATALOG_COLUMNS, open_items_table
from engine.records import Item
from engine.workspace import Workspace

TEXT_COLUMNS = ("item_id", "title", "description")
MAX_PAGE = 1000


@dataclass(frozen=True)
class ItemPage:
    """One page of items and how many items matched in all."""

    items: list[Item]
    total: int


def list_items(
    workspace: Workspace, *, offset: int = 0, limit: int = 48, text: str | None = None, kind: str | None = None
) -> ItemPage:
    """Items whose item_id/title/description contain `text` (any case), of `kind`, sorted by item_id."""
    if not isinstance(offset, int) or offset < 0:
        raise ValueError(f"offset must be a whole number >= 0, got {offset!r}")
    if not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"limit must be a whole number from 1 to {MAX_PAGE}, got {limit!r}")
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)} or None, got {kind!r}")
    table = open_items_table(workspace, create=False)
    # Only the catalog columns: vector columns added later would make every page read them all.
    rows = table.search().select(list(CATALOG_COLUMNS)).limit(None).to_arrow()
    # User text is matched here in Arrow, never spliced into a LanceDB filter string.
    rows = rows.filter(_matches(rows, text, kind))
    rows = rows.sort_by("item_id")
    page = rows.slice(offset, limit)
    return ItemPage(items=[item_from_record(record) for record in page.to_pylist()], total=rows.num_rows)


def _matches(rows: pa.Table, text: str | None, kind: str | None) -> pa.Array:
    keep = pa.array([True] * rows.num_rows, pa.bool_())
    if kind is not None:
        keep = pc.and_(keep, pc.fill_null(pc.equal(rows["kind"], kind), False))
    if text is not None and text.strip():
        needle = text.strip()
        hits = [pc.fill_null(pc.match_substring(rows[name], needle, ignore_case=True), False) for name in TEXT_COLUMNS]
        any_hit = hits[0]
        for hit in hits[1:]:
            any_hit = pc.or_(any_hit, hit)
        keep = pc.and_(keep, any_hit)
    return keep


def item_from_record(record: dict) -> Item:
    """An Item from one row of the `items` table (as a dict)."""
    return Item(
        item_id=record["item_id"],
        image_path=record["image_path"],
        image_sha256=record["image_sha256"],
        image_width=record["image_width"],
        image_height=record["image_height"],
        kind=record["kind"],
        title=record["title"],
        description=record["description"],
        tags=tuple(record["tags"] or ()),
        price=record["price"],
        brand=record["brand"],
        board_titles=tuple(record["board_titles"] or ()),
        extra=json.loads(record["extra"]) if record["extra"] else {},
    )
