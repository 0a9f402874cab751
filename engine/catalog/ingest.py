"""`workbench ingest`: validate a user's catalog and upsert it into the LanceDB `items` table."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pyarrow as pa
from tqdm.auto import tqdm

from engine.catalog.columns import resolve_columns
from engine.catalog.images import (
    DEFAULT_MAX_FILE_BYTES,
    DEFAULT_MAX_PIXELS,
    StoredImage,
    refuse_decompression_bombs,
    store_image,
)
from engine.catalog.orphans import IngestJournal
from engine.catalog.problems import CatalogError, RowError, RowProblem
from engine.catalog.readers import RawRow, read_metadata
from engine.catalog.report import IngestReport
from engine.catalog.rows import CatalogRow, parse_row, read_item_id
from engine.index.store import CATALOG_COLUMNS, ITEMS_SCHEMA, open_items_table
from engine.workspace import Workspace


def ingest_catalog(
    workspace: Workspace,
    images_dir: str | Path,
    metadata_path: str | Path,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    batch_size: int = 1000,
    progress: bool = True,
    workers: int | None = None,
) -> IngestReport:
    """Upsert every valid row by item_id, skip and report bad rows; an unusable file raises CatalogError, writing nothing.

    Images stored for a batch whose rows were never written (the process was killed in between) are
    removed by the next ingest: see engine.catalog.orphans.
    """
    started = time.perf_counter()
    limits = [("max_pixels", max_pixels), ("max_file_bytes", max_file_bytes), ("batch_size", batch_size)]
    for name, value in limits + ([("workers", workers)] if workers is not None else []):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
    images_dir, metadata_path = Path(images_dir).resolve(), Path(metadata_path).resolve()
    if not images_dir.is_dir():
        raise CatalogError(f"the images folder {images_dir} does not exist or is not a folder; check --images")
    # Every whole-file check happens here, before the workspace is touched.
    metadata = read_metadata(metadata_path)
    headers = resolve_columns(metadata.columns, str(metadata_path))

    workspace.create()
    table = open_items_table(workspace, create=True)
    known = _fingerprints(table)
    report = IngestReport(metadata_path=str(metadata_path), images_dir=str(images_dir), rows_read=len(metadata.rows))
    first_row_of: dict[str, int] = {}  # item_id -> the row that claimed it
    try:
        with (
            IngestJournal(workspace) as journal,  # sweeps what an interrupted ingest left, then notes what this one stores
            refuse_decompression_bombs(),  # entered here, outside the pool, so it covers every worker until they stop
            ThreadPoolExecutor(max_workers=workers or _default_workers()) as pool,
            tqdm(total=len(metadata.rows), unit="row", desc="ingest", disable=not progress) as bar,
        ):
            store = _ImageStore(workspace, images_dir, max_pixels, max_file_bytes, headers["image_path"], journal)
            for batch in _chunks(metadata.rows, batch_size):
                records = []
                for outcome in _batch_outcomes(batch, headers, first_row_of, pool, store):
                    if isinstance(outcome, RowProblem):
                        report.skipped.append(outcome)
                    elif known.get(outcome["item_id"]) == _fingerprint(outcome):
                        report.unchanged += 1
                    else:
                        records.append(outcome)
                # One commit per batch: a failure later on keeps every batch written before it.
                inserted, updated = _upsert(table, records)
                journal.written()
                report.inserted += inserted
                report.updated += updated
                known.update((record["item_id"], _fingerprint(record)) for record in records)
                bar.update(len(batch))
    except BaseException as error:
        report.error = f"{type(error).__name__}: {error}"
        report.elapsed_s = time.perf_counter() - started
        with contextlib.suppress(OSError):  # the error that stopped the ingest matters more than its report
            report.write(workspace.runs_dir)
        raise
    report.elapsed_s = time.perf_counter() - started
    report.write(workspace.runs_dir)
    return report


@dataclass(frozen=True)
class _ImageStore:
    """store_image with this ingest's settings, returning a record or a problem (for a thread pool)."""

    workspace: Workspace
    images_dir: Path
    max_pixels: int
    max_file_bytes: int
    column: str
    journal: IngestJournal  # told of every stored image before its row is written

    def __call__(self, checked: tuple[RawRow, CatalogRow]) -> dict[str, Any] | RowProblem:
        raw, row = checked
        try:
            image = store_image(self.workspace, self.images_dir, row.image_path, max_pixels=self.max_pixels,
                                max_file_bytes=self.max_file_bytes, column=self.column)
        except RowError as error:
            return error.at(raw.row, row.item_id)
        self.journal.stored(image.path)
        return _record(row, image)


def _batch_outcomes(
    batch: list[RawRow],
    headers: dict[str, str],
    first_row_of: dict[str, int],
    pool: ThreadPoolExecutor,
    store: _ImageStore,
) -> list[dict[str, Any] | RowProblem]:
    """A record or a problem for each row of the batch, in file order."""
    checked = [_check_row(raw, headers, first_row_of) for raw in batch]
    # Images are read, hashed and decoded in threads: Pillow, hashlib and file I/O release the GIL.
    stored = iter(pool.map(store, [outcome for outcome in checked if not isinstance(outcome, RowProblem)]))
    return [outcome if isinstance(outcome, RowProblem) else next(stored) for outcome in checked]


def _check_row(
    raw: RawRow, headers: dict[str, str], first_row_of: dict[str, int]
) -> tuple[RawRow, CatalogRow] | RowProblem:
    """Every check but the image's, in file order (so the first row with an item_id claims it)."""
    if raw.problem is not None:
        return raw.problem.at(raw.row, None)
    item_id = None
    try:
        item_id = read_item_id(raw.values, headers)
        if item_id in first_row_of:
            raise RowError("item_id", f"item_id {item_id!r} already appeared on row {first_row_of[item_id]}; "
                           "the first row wins", "give each item its own item_id, or delete the repeated row")
        # The first row with an id claims it, even if it is skipped later for another reason.
        first_row_of[item_id] = raw.row
        return raw, parse_row(raw.values, headers, item_id)
    except RowError as error:
        return error.at(raw.row, item_id)


def _record(row: CatalogRow, image: StoredImage) -> dict[str, Any]:
    """The `items` table record of a checked row and its stored image."""
    return {
        "item_id": row.item_id,
        "image_path": image.path,
        "image_sha256": image.sha256,
        "image_width": image.width,
        "image_height": image.height,
        "kind": row.kind,
        "title": row.title,
        "description": row.description,
        "tags": list(row.tags),
        "price": row.price,
        "brand": row.brand,
        "board_titles": list(row.board_titles),
        "extra": row.extra,
    }


def _default_workers() -> int:
    return min(8, os.cpu_count() or 1)


def _upsert(table, records: list[dict[str, Any]]) -> tuple[int, int]:
    """merge_insert by item_id; returns (inserted, updated)."""
    if not records:
        return 0, 0
    data = pa.Table.from_pylist(records, schema=ITEMS_SCHEMA)
    # Columns later stages add (vectors, tags) are derived from the old content: null them on the rows
    # that change, so they read as "to recompute" instead of silently describing the old item.
    for field in table.schema:
        if field.name not in ITEMS_SCHEMA.names and field.nullable:
            data = data.append_column(field, pa.nulls(len(records), field.type))
    # The derived vectors are deliberately null here; LanceDB counts a null fixed-size vector of 10 or more
    # dimensions as "bad", so say that null is what is meant (every other value written here is catalog data).
    result = (table.merge_insert("item_id").when_matched_update_all().when_not_matched_insert_all()
              .execute(data, on_bad_vectors="null"))
    return result.num_inserted_rows, result.num_updated_rows


def _fingerprints(table) -> dict[str, bytes]:
    """item_id -> fingerprint of the catalog columns, for every row already in the table."""
    if table.count_rows() == 0:
        return {}
    existing = table.search().select(list(CATALOG_COLUMNS)).limit(None).to_arrow()
    return {record["item_id"]: _fingerprint(record) for record in existing.to_pylist()}


def _fingerprint(record: dict[str, Any]) -> bytes:
    values = [record[name] for name in CATALOG_COLUMNS]
    return hashlib.blake2b(json.dumps(values, ensure_ascii=False).encode("utf-8"), digest_size=16).digest()


def _chunks(rows: list[RawRow], size: int) -> Iterator[list[RawRow]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]
