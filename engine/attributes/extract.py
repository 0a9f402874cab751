"""Attribute extraction behind one interface: `Extractor.extract(items)` yields RawAttribute records.

Backends, by name in `EXTRACTORS`: `jsonl` (the offline default) reads raw VLM-style output,
one {"item_id", "attributes": [{"key", "value"}, ...]} a line, as the sample catalog's
`vlm_attributes.jsonl`; `transformers` asks a local image-text-to-text model (extract_vlm.py).
Malformed lines or replies are counted in the extractor's ExtractionReport and skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

from engine.attributes.records import ExtractionReport, RawAttribute

MAX_PROBLEMS = 20  # malformed inputs quoted in a report; the rest are only counted


class ExtractionError(ValueError):
    """Extraction cannot start: a missing input, an unknown backend, a model that is not local."""


@runtime_checkable
class Extractor(Protocol):
    """Turns items into raw key-value attributes; `report` describes the last `extract` pass."""

    name: str
    report: ExtractionReport

    def extract(self, items: Iterable | None = None) -> Iterator[RawAttribute]: ...


def note_problem(report: ExtractionReport, problem: str) -> None:
    """Count one malformed input; quote the first few."""
    report.malformed += 1
    if len(report.problems) < MAX_PROBLEMS:
        report.problems.append(problem)


def _line_pairs(data, where: str) -> tuple[str, list[tuple[str, str]]]:
    """(item_id, pairs) of one parsed line; ValueError naming what is wrong."""
    if not isinstance(data, dict):
        raise ValueError(f"{where}: expected a JSON object, got {type(data).__name__}")
    item_id, attributes = data.get("item_id"), data.get("attributes")
    if not isinstance(item_id, str) or not item_id.strip():
        raise ValueError(f"{where}: missing or empty string \"item_id\"")
    if not isinstance(attributes, list):
        raise ValueError(f"{where}: \"attributes\" must be a list of {{\"key\", \"value\"}} objects")
    pairs = []
    for entry in attributes:
        if not (isinstance(entry, dict) and isinstance(entry.get("key"), str) and isinstance(entry.get("value"), str)):
            raise ValueError(f"{where}: an attribute is not {{\"key\": string, \"value\": string}}: {entry!r:.60}")
        if entry["key"].strip() and entry["value"].strip():
            pairs.append((entry["key"], entry["value"]))
    if not pairs:
        raise ValueError(f"{where}: item {item_id!r} has no non-empty key-value pairs")
    return item_id.strip(), pairs


class JsonlExtractor:
    """Reads raw VLM-style attribute output from a JSONL file (the offline default)."""

    name = "jsonl"

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"attribute file {self.path} not found; pass a JSONL file with one "
                                    '{"item_id": ..., "attributes": [{"key": ..., "value": ...}]} a line '
                                    "(the sample catalog's vlm_attributes.jsonl has this shape)")
        self.report = ExtractionReport()

    def extract(self, items: Iterable | None = None) -> Iterator[RawAttribute]:
        """Every pair in the file; with `items` (item ids), only those items' pairs."""
        wanted = None if items is None else {str(i) for i in items}
        self.report = report = ExtractionReport()
        with self.path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                where = f"{self.path.name} line {number}"
                try:
                    item_id, pairs = _line_pairs(json.loads(line), where)
                except json.JSONDecodeError as error:
                    note_problem(report, f"{where}: not JSON ({error.msg})")
                    continue
                except ValueError as error:
                    note_problem(report, str(error))
                    continue
                if wanted is not None and item_id not in wanted:
                    continue
                report.items += 1
                report.pairs += len(pairs)
                for key, value in pairs:
                    yield RawAttribute(item_id, key, value)


def _transformers(**options) -> Extractor:
    from engine.attributes.extract_vlm import TransformersExtractor

    return TransformersExtractor(**options)


EXTRACTORS = {  # name -> (factory, one-line help)
    "jsonl": (lambda path, **_: JsonlExtractor(path), "raw VLM-style output from a JSONL file (offline default)"),
    "transformers": (_transformers, "a local image-text-to-text model folder through transformers"),
}
DEFAULT_EXTRACTOR = "jsonl"


def get_extractor(name: str = DEFAULT_EXTRACTOR, **options) -> Extractor:
    """The extractor called `name`, built with its options (jsonl: path; transformers: model_path, catalog)."""
    if name not in EXTRACTORS:
        raise ExtractionError(f"unknown extractor {name!r}; known extractors are {', '.join(EXTRACTORS)}")
    return EXTRACTORS[name][0](**options)


def write_raw(attributes: Iterable[RawAttribute], path: Path) -> int:
    """Write raw attributes as one {"item_id", "attributes": [...]} a line (the input shape); returns pairs written."""
    by_item: dict[str, list[dict]] = {}
    for a in attributes:
        by_item.setdefault(a.item_id, []).append({"key": a.key, "value": a.value})
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with Path(path).open("w", encoding="utf-8") as fh:
        for item_id, pairs in by_item.items():
            fh.write(json.dumps({"item_id": item_id, "attributes": pairs}) + "\n")
    return sum(len(p) for p in by_item.values())


def read_raw(path: Path) -> list[RawAttribute]:
    """Raw attributes from a JSONL file of the input shape; malformed lines are skipped."""
    return list(JsonlExtractor(path).extract())
