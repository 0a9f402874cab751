"""What an ingest did: counts, skipped rows with their fixes, and the JSON copy kept under runs/."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from engine.catalog.problems import RowProblem

SUMMARY_PROBLEMS_SHOWN = 20


@dataclass
class IngestReport:
    """The outcome of one `ingest_catalog` call."""

    metadata_path: str
    images_dir: str
    rows_read: int = 0  # data rows in the file, readable or not
    inserted: int = 0  # item_ids new to the table
    updated: int = 0  # item_ids already there whose fields changed
    unchanged: int = 0  # item_ids already there with the same fields: not rewritten
    skipped: list[RowProblem] = field(default_factory=list)  # one entry per skipped row, in file order
    elapsed_s: float = 0.0
    report_path: str | None = None  # the JSON copy under the workspace's runs/
    error: str | None = None  # set when the ingest stopped part way; rows written before it stay

    def summary(self) -> str:
        """A few lines for a terminal."""
        lines = [
            f"Read {self.rows_read} rows from {self.metadata_path} in {self.elapsed_s:.1f} s: "
            f"{self.inserted} inserted, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.skipped)} skipped."
        ]
        lines += [f"  {problem.describe()}" for problem in self.skipped[:SUMMARY_PROBLEMS_SHOWN]]
        if len(self.skipped) > SUMMARY_PROBLEMS_SHOWN:
            lines.append(f"  … and {len(self.skipped) - SUMMARY_PROBLEMS_SHOWN} more skipped rows")
        if self.error:
            lines.append(f"Stopped early: {self.error}")
        if self.report_path:
            lines.append(f"Full report: {self.report_path}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """A JSON-ready dict."""
        return dataclasses.asdict(self)

    def write(self, runs_dir: Path) -> Path:
        """Save as runs/ingest-<UTC timestamp>.json (never overwriting another report) and remember where."""
        runs_dir.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        for attempt in range(1000):
            path = runs_dir / (f"ingest-{stamp}.json" if attempt == 0 else f"ingest-{stamp}-{attempt}.json")
            try:
                handle = open(path, "x", encoding="utf-8")
            except FileExistsError:
                continue  # two ingests in the same second
            self.report_path = str(path)
            with handle:
                json.dump(self.to_dict(), handle, ensure_ascii=False, indent=2)
                handle.write("\n")
            return path
        raise FileExistsError(f"could not find a free report name under {runs_dir} for ingest-{stamp}")
