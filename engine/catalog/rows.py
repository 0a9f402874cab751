"""One metadata row -> the typed catalog fields (all but the image, which images.py checks)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from engine.catalog.problems import RowError
from engine.catalog.text import clean_item_id
from engine.catalog.values import parse_kind, parse_list, parse_price, parse_text, to_json_value


@dataclass(frozen=True)
class CatalogRow:
    """A metadata row that passed every check but the image's."""

    item_id: str
    image_path: str  # as written in the metadata, relative to the images folder
    kind: str
    title: str | None
    description: str | None
    tags: tuple[str, ...]
    price: float | None
    brand: str | None
    board_titles: tuple[str, ...]
    extra: str  # JSON object text


def read_item_id(values: dict[str, Any], headers: dict[str, str]) -> str:
    """The row's cleaned item_id, or a RowError."""
    raw = values.get(headers["item_id"])
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)  # integer ids from Parquet/JSON are common and unambiguous
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise RowError("item_id", f"item_id is a {type(raw).__name__} ({raw!r}), not text",
                       "write item_id as text or a whole number")
    return clean_item_id(raw)


def parse_row(values: dict[str, Any], headers: dict[str, str], item_id: str) -> CatalogRow:
    """Check and convert every documented column; keep the others as `extra` JSON."""

    def value(name: str) -> Any:
        return values.get(headers[name]) if name in headers else None

    image_header = headers["image_path"]
    image_path = value("image_path")
    # Not NFC-normalised like other text: a file name on disk may be in another normal form.
    if not isinstance(image_path, (str, type(None))):
        raise RowError(image_header, f"{image_header} is a {type(image_path).__name__} ({image_path!r}), "
                       "not text", "write the image's path as text")
    if image_path is None or not image_path.strip():
        raise RowError(image_header, f"{image_header} is empty",
                       "give the image's path relative to the --images folder")
    known_headers = set(headers.values())
    extra = {key: to_json_value(raw) for key, raw in values.items() if key not in known_headers}
    return CatalogRow(
        item_id=item_id,
        image_path=image_path.strip(),
        kind=parse_kind(headers.get("kind", "kind"), value("kind")),
        title=parse_text("title", value("title")),
        description=parse_text("description", value("description")),
        tags=parse_list("tags", value("tags")),
        price=parse_price("price", value("price")),
        brand=parse_text("brand", value("brand")),
        board_titles=parse_list("board_titles", value("board_titles")),
        extra=json.dumps(extra, ensure_ascii=False),
    )
