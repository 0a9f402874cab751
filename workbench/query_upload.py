"""Queries uploaded on the Admin page: one JSON object a line with the fields of labels.QueryRecord."""

from __future__ import annotations

import json
from dataclasses import fields

from labels import QueryRecord

FIELDS = tuple(f.name for f in fields(QueryRecord))  # query_id, query_set, query_type, text, image_item_id, ...
REQUIRED = ("query_id", "query_type")
# `workbench eval export-queries` writes {"query_id", "text", "item", "crop", "mode"} (and "image"); the same
# lines upload here, so a set exported from one workspace imports into another.
EXPORT_NAMES = {"mode": "query_type", "item": "image_item_id", "image": "image_path"}


class QueryFileError(ValueError):
    """A line of an uploaded query file that is not a query."""


def parse_query_jsonl(text: str, query_set: str, *, source: str = "the uploaded file") -> list[QueryRecord]:
    """Every non-blank line of `text` as a QueryRecord of `query_set` (a line may repeat the set's name, not another)."""
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}, line {number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise QueryFileError(f"{where}: not JSON ({exc.msg}); write one JSON object a line") from None
        if not isinstance(raw, dict):
            raise QueryFileError(f"{where}: expected a JSON object, got {type(raw).__name__}")
        raw = _from_export_shape(raw, where)
        unknown = sorted(set(raw) - set(FIELDS))
        if unknown:
            raise QueryFileError(f"{where}: unknown field(s) {', '.join(unknown)}; the fields are {', '.join(FIELDS)}")
        missing = [name for name in REQUIRED if not raw.get(name)]
        if missing:
            raise QueryFileError(f"{where}: missing {', '.join(missing)}; every query needs {' and '.join(REQUIRED)}")
        if raw.get("query_set", query_set) != query_set:
            raise QueryFileError(
                f"{where}: query_set {raw['query_set']!r} differs from the chosen set {query_set!r}; "
                "drop the field or upload it into that set"
            )
        crop = raw.get("crop")
        records.append(
            QueryRecord(
                query_id=str(raw["query_id"]), query_set=query_set, query_type=raw["query_type"], text=raw.get("text"),
                image_item_id=raw.get("image_item_id"), image_path=raw.get("image_path"),
                crop=tuple(crop) if isinstance(crop, list) else crop, target_attributes=raw.get("target_attributes") or {},
            )
        )
    if not records:
        raise QueryFileError(f"{source} holds no queries; write one JSON object a line, e.g. "
                             '{"query_id": "q1", "query_type": "text", "text": "red striped dress"}')
    return records


def _from_export_shape(raw: dict, where: str) -> dict:
    """An export-queries line in the record's field names: mode, item and image renamed, crop "x0,y0,x1,y1" split."""
    both = [name for name, field in EXPORT_NAMES.items() if name in raw and field in raw]
    if both:
        raise QueryFileError(f"{where}: {both[0]!r} and {EXPORT_NAMES[both[0]]!r} name the same field; keep one")
    raw = {EXPORT_NAMES.get(key, key): value for key, value in raw.items()}
    crop = raw.get("crop")
    if isinstance(crop, str):
        try:
            raw["crop"] = [float(part) for part in crop.split(",")]
        except ValueError:
            raise QueryFileError(f"{where}: crop {crop!r} must be four numbers \"x0,y0,x1,y1\" or a list") from None
    return raw
