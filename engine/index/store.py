"""The LanceDB `items` table: its name, its schema, and opening it."""

from __future__ import annotations

import lancedb
import pyarrow as pa

from engine.workspace import Workspace

ITEMS_TABLE = "items"

# The catalog columns that ingest writes. Later stages (embeddings, attributes) add their own
# columns to the same table; they declare them next to this schema so it stays in one place.
ITEMS_SCHEMA = pa.schema(
    [
        pa.field("item_id", pa.string(), nullable=False),
        pa.field("image_path", pa.string()),  # relative to the workspace root: catalog/ab/ab12….jpg
        pa.field("image_sha256", pa.string()),
        pa.field("image_width", pa.int32()),
        pa.field("image_height", pa.int32()),
        pa.field("kind", pa.string()),  # "product" or "scene"
        pa.field("title", pa.string()),
        pa.field("description", pa.string()),
        pa.field("tags", pa.list_(pa.string())),
        pa.field("price", pa.float64()),
        pa.field("brand", pa.string()),
        pa.field("board_titles", pa.list_(pa.string())),
        pa.field("extra", pa.string()),  # JSON object: every other metadata column, verbatim
    ]
)

CATALOG_COLUMNS: tuple[str, ...] = tuple(ITEMS_SCHEMA.names)


class ItemsTableMissingError(FileNotFoundError):
    """The workspace has no `items` table yet."""


def connect(workspace: Workspace) -> lancedb.DBConnection:
    """The LanceDB database of a workspace."""
    return lancedb.connect(str(workspace.lancedb_dir))


def items_table_exists(workspace: Workspace) -> bool:
    """Whether `items` exists, without creating the database folder as a side effect."""
    if not workspace.lancedb_dir.is_dir():
        return False
    db, token = connect(workspace), None
    while True:  # list_tables pages its answer
        page = db.list_tables(page_token=token)
        if ITEMS_TABLE in page.tables:
            return True
        if not page.page_token:
            return False
        token = page.page_token


def open_items_table(workspace: Workspace, create: bool = False) -> lancedb.table.Table:
    """Open the `items` table; with create=True make it (empty, with ITEMS_SCHEMA) if missing."""
    if not items_table_exists(workspace):
        if not create:
            raise ItemsTableMissingError(
                f"the workspace {workspace.root} has no '{ITEMS_TABLE}' table yet; add a catalog with "
                "`workbench ingest --images DIR --metadata FILE`, or run `workbench demo` to make the sample one"
            )
        workspace.lancedb_dir.mkdir(parents=True, exist_ok=True)
        # exist_ok: another process may have created it between the check and here.
        return connect(workspace).create_table(ITEMS_TABLE, schema=ITEMS_SCHEMA, exist_ok=True)
    table = connect(workspace).open_table(ITEMS_TABLE)
    missing = [name for name in CATALOG_COLUMNS if name not in table.schema.names]
    if missing:
        raise ValueError(
            f"the '{ITEMS_TABLE}' table in {workspace.lancedb_dir} lacks the columns {missing} "
            f"(it has {table.schema.names}); it was made by another version of the workbench: "
            "move the workspace aside and ingest the catalog again"
        )
    return table


def count_items(workspace: Workspace) -> int:
    """Rows in `items`; 0 when the workspace has no table yet."""
    if not items_table_exists(workspace):
        return 0
    return connect(workspace).open_table(ITEMS_TABLE).count_rows()


def read_columns(table: lancedb.table.Table, columns: list[str], where: str | None = None) -> pa.Table:
    """Only the named columns of every (or every matching) row, without reading the vector columns."""
    query = table.search()
    if where:
        query = query.where(where)
    return query.select(columns).limit(None).to_arrow()
