"""The documented metadata columns: one table that feeds the ingest, the README and a test."""

from __future__ import annotations

from dataclasses import dataclass

from engine.catalog.problems import CatalogError


@dataclass(frozen=True)
class MetadataColumn:
    """One column a catalog's metadata file may have."""

    name: str
    type: str  # as a user reads it: "text", "list of text", "number >= 0", "one of …"
    required: bool
    help: str
    aliases: tuple[str, ...] = ()  # other header names accepted for this column


KINDS = ("product", "scene")
DEFAULT_KIND = "product"
LIST_SEPARATOR = "|"

METADATA_COLUMNS: tuple[MetadataColumn, ...] = (
    MetadataColumn("item_id", "text", True,
                   "Unique id of the item; at most 200 characters, no tabs or line breaks. "
                   "Re-ingesting an id updates that item."),
    MetadataColumn("image_path", "text", True,
                   "Path of the item's image, relative to the --images folder (it must stay inside it). "
                   "JPEG, PNG, WEBP, GIF, BMP or TIFF.",
                   aliases=("image",)),
    MetadataColumn("title", "text", False, "Short product title; may be empty."),
    MetadataColumn("description", "text", False, "Longer product description."),
    MetadataColumn("tags", "list of text", False,
                   f"Keywords. In CSV a '{LIST_SEPARATOR}'-separated string (red{LIST_SEPARATOR}summer) "
                   'or a JSON array string (["red", "summer"]); in Parquet/JSONL a list.'),
    MetadataColumn("price", "number >= 0", False, "Price as a plain number (19.99), no currency sign."),
    MetadataColumn("brand", "text", False, "Brand name."),
    MetadataColumn("board_titles", "list of text", False,
                   "Titles of boards/collections the item was saved to; written like tags."),
    MetadataColumn("kind", f"one of {', '.join(KINDS)}", False,
                   f"'{KINDS[0]}' (one product, the default) or '{KINDS[1]}' (a photo of several products)."),
)

COLUMNS_BY_NAME = {column.name: column for column in METADATA_COLUMNS}
REQUIRED_COLUMNS = tuple(column.name for column in METADATA_COLUMNS if column.required)

EXTRA_HELP = "Every other column is kept verbatim in the item's `extra` JSON, so nothing you give is dropped."


def resolve_columns(found: list[str], source: str) -> dict[str, str]:
    """Map each documented column name to the header that holds it; raise if a required one is missing."""
    by_header: dict[str, str] = {}
    for column in METADATA_COLUMNS:
        present = [name for name in (column.name, *column.aliases) if name in found]
        if len(present) > 1:
            raise CatalogError(
                f"{source} has both columns {present}, which mean the same thing ({column.name}); "
                "keep only one of them"
            )
        if present:
            by_header[column.name] = present[0]
    missing = [name for name in REQUIRED_COLUMNS if name not in by_header]
    if missing:
        wanted = ", ".join(
            name + "".join(f" (or {alias})" for alias in COLUMNS_BY_NAME[name].aliases) for name in REQUIRED_COLUMNS
        )
        raise CatalogError(
            f"{source} lacks the required column(s) {', '.join(missing)}; it has the columns {found}. "
            f"Required: {wanted}. Rename or add the column(s) in the header"
        )
    return by_header


def columns_markdown() -> str:
    """The column table as Markdown, for the README."""
    lines = ["| column | type | required | meaning |", "| --- | --- | --- | --- |"]
    for column in METADATA_COLUMNS:
        name = f"`{column.name}`" + "".join(f" (or `{alias}`)" for alias in column.aliases)
        cells = (name, column.type, "yes" if column.required else "no", column.help)
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")  # a bare | splits a cell
    return "\n".join(lines) + "\n\n" + EXTRA_HELP + "\n"
