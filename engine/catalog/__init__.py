"""Ingest a user's catalog (images + CSV/Parquet/JSONL metadata) into the `items` table, and browse it."""

from engine.catalog.browse import ItemPage, item_from_record, list_items
from engine.catalog.columns import METADATA_COLUMNS, MetadataColumn, columns_markdown
from engine.catalog.ingest import ingest_catalog
from engine.catalog.problems import CatalogError, RowProblem
from engine.catalog.report import IngestReport

__all__ = [
    "CatalogError",
    "IngestReport",
    "ItemPage",
    "METADATA_COLUMNS",
    "MetadataColumn",
    "RowProblem",
    "columns_markdown",
    "ingest_catalog",
    "item_from_record",
    "list_items",
]
