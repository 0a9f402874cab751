"""Read a metadata file (CSV, Parquet, JSONL) into rows numbered as the user sees them."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa
import pyarrow.parquet as pq

from engine.catalog.problems import CatalogError, RowError
from engine.catalog.text import clean_text

_SURROGATE = re.compile("[\ud800-\udfff]")
_REENCODE_UTF8 = "re-save the file as UTF-8 (in a spreadsheet: Save As > CSV UTF-8)"
MAX_FIELD_CHARS = 131_072  # one CSV value longer than this is a row error (Python's csv default limit)
_CSV_READ_LIMIT = 2**30  # what the csv module may read into one field, so a long value fails its row, not the file
MAX_JSON_DEPTH = 64  # a JSONL row nested deeper is a row error (deep nesting would exhaust the recursion limit)
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


@dataclass(frozen=True)
class RawRow:
    """One data row: its values by column, or the reason it could not be read."""

    row: int  # CSV: file line where the record starts (header = 1); JSONL: line; Parquet: 1-based row
    values: dict[str, Any] | None
    problem: RowError | None = None


@dataclass(frozen=True)
class MetadataFile:
    """A whole metadata file, read; file-level problems have already raised CatalogError."""

    path: Path
    format: str
    columns: list[str]
    rows: list[RawRow]


def read_metadata(path: Path) -> MetadataFile:
    """Read by extension: .csv, .parquet, .jsonl/.ndjson."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise CatalogError(
            f"cannot read the metadata file {path}: the extension {path.suffix or '(none)'!r} is not supported; "
            f"save it as one of {', '.join(READERS)}"
        )
    if not path.exists():
        raise CatalogError(f"the metadata file {path} does not exist; check the --metadata path")
    if not path.is_file():
        raise CatalogError(f"the metadata path {path} is not a file; give the CSV/Parquet/JSONL file itself")
    if path.stat().st_size == 0:
        raise CatalogError(f"the metadata file {path} is empty (0 bytes); export the catalog again")
    columns, rows = reader(path)
    if not rows:
        what = "a header but no rows" if path.suffix.lower() == ".csv" else "no rows"
        raise CatalogError(f"the metadata file {path} has {what}; add at least one item")
    if not columns:
        first = rows[0]
        raise CatalogError(
            f"none of the {len(rows)} rows of {path} could be read; the first, row {first.row}: "
            f"{first.problem.problem if first.problem else 'no columns'}; fix: "
            f"{first.problem.fix if first.problem else 'write one JSON object per line'}"
        )
    return MetadataFile(path=path, format=path.suffix.lower().lstrip("."), columns=columns, rows=rows)


def _read_csv(path: Path) -> tuple[list[str], list[RawRow]]:
    # surrogateescape keeps undecodable bytes as lone surrogates, so one bad row is reported, not the file.
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_READ_LIMIT))
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            while header == []:  # blank lines before the header
                header = next(reader, None)
            if header is None:
                raise CatalogError(f"the metadata file {path} has no header line; its first line must name "
                                   "the columns, e.g. item_id,image_path,title")
            columns = _header_columns(header, path, reader.line_num)
            rows: list[RawRow] = []
            previous_line = reader.line_num
            for record in reader:
                start, previous_line = previous_line + 1, reader.line_num
                if not any(field.strip() for field in record):
                    continue  # a blank line, or only commas (spreadsheets export those after the last row)
                rows.append(_csv_row(record, columns, start))
        except csv.Error as error:
            raise CatalogError(f"the CSV file {path} is malformed near line {reader.line_num}: {error}; "
                               "check the quoting on that line") from None
    return columns, rows


def _header_columns(header: list[str], path: Path, line: int) -> list[str]:
    if any(_SURROGATE.search(name) for name in header):
        raise CatalogError(f"the header (line {line}) of {path} is not UTF-8 text; {_REENCODE_UTF8}")
    # An unnamed column (a trailing comma) gets a stable name so its values can still go to `extra`.
    columns = [clean_text(name).strip() or f"column_{index}" for index, name in enumerate(header, 1)]
    if len(columns) == 1 and (";" in columns[0] or "\t" in columns[0]):
        raise CatalogError(f"the header of {path} is one column, {columns[0]!r}: the file looks separated by "
                           "';' or tabs; save it comma-separated, or as Parquet/JSONL")
    duplicates = sorted({name for name in columns if columns.count(name) > 1})
    if duplicates:
        raise CatalogError(f"the header of {path} repeats the column(s) {duplicates}; give each column one name")
    return columns


def _csv_row(record: list[str], columns: list[str], start: int) -> RawRow:
    if any(_SURROGATE.search(field) for field in record):
        return RawRow(start, None, RowError(None, "the row has bytes that are not UTF-8 text", _REENCODE_UTF8))
    folded = _folded_rows(record, columns, start)
    if folded is not None:
        return RawRow(start, None, folded)
    for name, field in zip([*columns, *(f"field {i}" for i in range(len(columns) + 1, len(record) + 1))], record):
        if len(field) > MAX_FIELD_CHARS:
            return RawRow(start, None, RowError(
                name, f"the value of {name} has {len(field):,} characters, more than the limit of {MAX_FIELD_CHARS:,}",
                "shorten it, or keep long text out of the metadata file"))
    if len(record) > len(columns):
        return RawRow(start, None, RowError(
            None, f"the row has {len(record)} fields but the header has {len(columns)} columns",
            'put quotes around values that contain commas, e.g. "red, blue"'))
    # An empty cell means "not given"; short rows (trailing cells left off) likewise.
    values = {name: (field if field != "" else None) for name, field in zip(columns, record)}
    return RawRow(start, values)


def _folded_rows(record: list[str], columns: list[str], start: int) -> RowError | None:
    """A RowError when a quoted value runs over lines that read as rows of their own: an unterminated quote
    folded the rows after it into this one (a multi-line description does not look like a full row)."""
    if len(columns) < 2:
        return None
    for name, field in zip(columns, record):
        if "\n" not in field:
            continue
        lines = field.split("\n")
        for offset, line in enumerate(lines[1:], start=1):
            if len(next(csv.reader([line]), [])) == len(columns):
                return RowError(name, f"the value of {name} opens a quote that is not closed: it runs over "
                                f"{len(lines)} lines and swallows what looks like the row on line {start + offset}",
                                'close the quote (write a quote inside a value as two: "")')
    return None


def _read_jsonl(path: Path) -> tuple[list[str], list[RawRow]]:
    columns: dict[str, None] = {}  # an ordered set: keys in the order first seen
    rows: list[RawRow] = []
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            if number == 1:
                line = line.removeprefix(b"\xef\xbb\xbf")
            if not line.strip():
                continue
            row = _jsonl_row(line, number)
            rows.append(row)
            if row.values is not None:
                columns.update(dict.fromkeys(row.values))
    return list(columns), rows


def _jsonl_row(line: bytes, number: int) -> RawRow:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return RawRow(number, None, RowError(None, "the line has bytes that are not UTF-8 text", _REENCODE_UTF8))
    depth = _json_depth(line)
    if depth > MAX_JSON_DEPTH:
        return RawRow(number, None, _too_deep(depth))
    try:
        values = json.loads(text)
    except json.JSONDecodeError as error:
        return RawRow(number, None, RowError(
            None, f"the line is not valid JSON ({error.msg} at character {error.colno})",
            "write one complete JSON object per line"))
    except RecursionError:
        return RawRow(number, None, _too_deep(depth))
    if not isinstance(values, dict):
        return RawRow(number, None, RowError(
            None, f"the line is a JSON {type(values).__name__}, not an object",
            'write one JSON object per line, like {"item_id": "a1", "image_path": "a1.jpg"}'))
    if _has_surrogate(values):
        # JSON may spell invalid text as "\udc80" escapes; they cannot be stored as UTF-8.
        return RawRow(number, None, RowError(None, "the line holds an unpaired surrogate escape (\\udXXX)",
                                             "remove the broken escape or " + _REENCODE_UTF8))
    return RawRow(number, {clean_text(str(key)).strip(): value for key, value in values.items()})


def _json_depth(line: bytes) -> int:
    """How deeply the JSON text nests arrays and objects (strings skipped), without parsing it."""
    if line.count(b"[") + line.count(b"{") <= MAX_JSON_DEPTH:
        return 0  # cannot nest deeper than the limit: skip the scan
    depth = deepest = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub(b"", line)):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _too_deep(depth: int) -> RowError:
    return RowError(None, f"the line nests arrays/objects {depth} deep, more than the limit of {MAX_JSON_DEPTH}",
                    "flatten the row: one JSON object whose values are text, numbers or short lists")


def _has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_surrogate(key) or _has_surrogate(inner) for key, inner in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(inner) for inner in value)
    return False


def _read_parquet(path: Path) -> tuple[list[str], list[RawRow]]:
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as error:
        raise CatalogError(f"{path} is not a readable Parquet file ({error}); export it again as Parquet") from None
    columns = [clean_text(name).strip() for name in parquet.schema_arrow.names]
    rows: list[RawRow] = []
    for batch in parquet.iter_batches(batch_size=10_000):
        try:
            records = batch.to_pylist()
        except UnicodeDecodeError:
            records = None
        if records is not None:
            rows.extend(RawRow(len(rows) + 1, dict(zip(columns, record.values()))) for record in records)
            continue
        for index in range(batch.num_rows):  # Parquet does not force strings to be UTF-8: find the row
            try:
                record = batch.slice(index, 1).to_pylist()[0]
                rows.append(RawRow(len(rows) + 1, dict(zip(columns, record.values()))))
            except UnicodeDecodeError:
                rows.append(RawRow(len(rows) + 1, None, RowError(
                    None, "the row has text that is not UTF-8", "write the Parquet strings as UTF-8")))
    return columns, rows


READERS: dict[str, Callable[[Path], tuple[list[str], list[RawRow]]]] = {
    ".csv": _read_csv,
    ".parquet": _read_parquet,
    ".jsonl": _read_jsonl,
    ".ndjson": _read_jsonl,
}
