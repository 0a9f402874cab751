"""The LanceDB index: the `items` table and, later, its vector columns and ANN/FTS indexes."""

from engine.index.store import (
    CATALOG_COLUMNS,
    ITEMS_SCHEMA,
    ITEMS_TABLE,
    ItemsTableMissingError,
    connect,
    count_items,
    items_table_exists,
    open_items_table,
)

__all__ = [
    "CATALOG_COLUMNS",
    "ITEMS_SCHEMA",
    "ITEMS_TABLE",
    "ItemsTableMissingError",
    "connect",
    "count_items",
    "items_table_exists",
    "open_items_table",
]
