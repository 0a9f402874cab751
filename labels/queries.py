"""Query sets and their queries."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import datetime

import duckdb
import pyarrow as pa

from labels.errors import ConflictError, UnknownNameError, name_list
from labels.records import QUERY_TYPES, QueryRecord, QuerySet
from labels.staging import staged

_QUERY_COLUMNS = "query_id, query_set, query_type, text, image_item_id, image_path, crop, target_attributes"
_IMAGE_TYPES = ("descriptor", "pivot", "image")


def insert_query_set(con: duckdb.DuckDBPyConnection, name: str, description: str, *, exist_ok: bool, now: datetime) -> QuerySet:
    """Add a query set; with exist_ok an existing set of that name is returned as it is."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"a query set name must be a non-empty string, got {name!r}")
    row = con.execute("SELECT name, description FROM query_sets WHERE name = ?", [name]).fetchone()
    if row:
        if exist_ok:
            return QuerySet(*row)
        raise ConflictError(f"query set {name!r} already exists; choose another name or pass exist_ok=True")
    con.execute("INSERT INTO query_sets VALUES (?, ?, ?)", [name, description or "", now])
    return QuerySet(name, description or "")


def select_query_sets(con: duckdb.DuckDBPyConnection) -> list[QuerySet]:
    """Every query set, by name."""
    return [QuerySet(*row) for row in con.execute("SELECT name, description FROM query_sets ORDER BY name").fetchall()]


def require_query_set(con: duckdb.DuckDBPyConnection, name: object) -> str:
    """`name` if it is a stored query set, else an error listing the known ones."""
    found = isinstance(name, str) and con.execute("SELECT 1 FROM query_sets WHERE name = ?", [name]).fetchone()
    if not found:
        known = [r[0] for r in con.execute("SELECT name FROM query_sets ORDER BY name").fetchall()]
        raise UnknownNameError(
            f"unknown query set {name!r}; known query sets are {name_list(known)}. Create it with add_query_set(...)"
        )
    return name


def check_query(record: QueryRecord) -> QueryRecord:
    """The record with its crop as a float tuple, or an error saying which field is wrong and why."""
    where = f"query {record.query_id!r}"
    if not isinstance(record.query_id, str) or not record.query_id.strip():
        raise ValueError(f"a query id must be a non-empty string, got {record.query_id!r}")
    if record.query_type not in QUERY_TYPES:
        raise ValueError(f"{where}: unknown query type {record.query_type!r}; query types are {', '.join(QUERY_TYPES)}")
    has_image = bool(record.image_item_id or record.image_path)
    if record.query_type in _IMAGE_TYPES and not has_image:
        raise ValueError(f"{where}: a {record.query_type} query needs a reference image; give image_item_id or image_path")
    if record.query_type in ("descriptor", "pivot") and not record.text:
        raise ValueError(f"{where}: a {record.query_type} query needs a text (what to change or describe)")
    if not isinstance(record.target_attributes, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in record.target_attributes.items()
    ):
        raise ValueError(f"{where}: target_attributes must map family names to values (str -> str), got {record.target_attributes!r}")
    crop = record.crop
    if crop is not None:
        if not has_image:
            raise ValueError(f"{where}: a crop needs a reference image")
        try:
            crop = tuple(float(c) for c in crop)
        except (TypeError, ValueError):
            crop = ()
        if len(crop) != 4 or not all(math.isfinite(c) for c in crop) or not (crop[0] < crop[2] and crop[1] < crop[3]):
            raise ValueError(f"{where}: crop must be four finite numbers x0, y0, x1, y1 with x0 < x1 and y0 < y1, got {record.crop!r}")
    return replace(record, crop=crop)


def _query_from_row(row: tuple) -> QueryRecord:
    query_id, query_set, query_type, text, image_item_id, image_path, crop, targets = row
    return QueryRecord(
        query_id, query_set, query_type, text, image_item_id, image_path,
        tuple(crop) if crop is not None else None, json.loads(targets),
    )


def select_query(con: duckdb.DuckDBPyConnection, query_id: str) -> QueryRecord | None:
    """The query with this id, or None."""
    row = con.execute(f"SELECT {_QUERY_COLUMNS} FROM queries WHERE query_id = ?", [query_id]).fetchone()
    return _query_from_row(row) if row else None


def require_query(con: duckdb.DuckDBPyConnection, query_id: object) -> QueryRecord:
    """The query with this id, or an error naming it."""
    record = select_query(con, query_id) if isinstance(query_id, str) else None
    if record is None:
        raise UnknownNameError(f"unknown query id {query_id!r}; add it first with add_queries([...])")
    return record


def select_queries(con: duckdb.DuckDBPyConnection, query_set: str) -> list[QueryRecord]:
    """The queries of a query set, by id."""
    require_query_set(con, query_set)
    rows = con.execute(f"SELECT {_QUERY_COLUMNS} FROM queries WHERE query_set = ? ORDER BY query_id", [query_set]).fetchall()
    return [_query_from_row(row) for row in rows]


_QUERIES_ARROW = pa.schema([
    ("query_id", pa.string()), ("query_set", pa.string()), ("query_type", pa.string()), ("text", pa.string()),
    ("image_item_id", pa.string()), ("image_path", pa.string()), ("crop", pa.list_(pa.float64())),
    ("target_attributes", pa.string()), ("created_at", pa.timestamp("us")),
])


def insert_queries(con: duckdb.DuckDBPyConnection, records: list[QueryRecord], *, now: datetime) -> int:
    """Add queries; an identical existing query is skipped, a different one with the same id is an error."""
    checked: dict[str, QueryRecord] = {}
    for record in records:
        record = check_query(record)
        if record.query_id in checked and checked[record.query_id] != record:
            raise ConflictError(f"query id {record.query_id!r} appears twice in the batch with different content")
        checked[record.query_id] = record
    for name in sorted({r.query_set for r in checked.values()}):
        require_query_set(con, name)
    rows = con.execute(
        f"SELECT {_QUERY_COLUMNS} FROM queries WHERE query_id IN (SELECT unnest(?::VARCHAR[]))", [list(checked)]
    ).fetchall()
    stored_by_id = {row[0]: _query_from_row(row) for row in rows}
    new = []
    for record in checked.values():
        stored = stored_by_id.get(record.query_id)
        if stored is None:
            new.append(record)
        elif stored != record:
            raise ConflictError(
                f"query id {record.query_id!r} is already stored with different content ({stored}); "
                "stored queries never change, since runs and judgments refer to them: give the new query a new id"
            )
    if new:
        rows = pa.Table.from_pylist(
            [
                {
                    "query_id": r.query_id, "query_set": r.query_set, "query_type": r.query_type, "text": r.text,
                    "image_item_id": r.image_item_id, "image_path": r.image_path,
                    "crop": list(r.crop) if r.crop is not None else None,
                    "target_attributes": json.dumps(r.target_attributes, sort_keys=True), "created_at": now,
                }
                for r in new
            ],
            schema=_QUERIES_ARROW,
        )
        with staged(con, "incoming_queries", rows):
            con.execute("INSERT INTO queries SELECT * FROM incoming_queries")
    return len(new)
