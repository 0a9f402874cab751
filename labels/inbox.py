"""Writes for a store another process holds: queued as files beside it, applied by the process that writes it.

DuckDB lets one process write the file, and while it does no other process can open it at all. So while the app
serves, a command that must write (`workbench eval run`) queues its writes in the store's inbox: a folder beside
the file (`judgments.duckdb.inbox/`), one JSON file per batch, written under a temporary name and renamed into
place (a reader never sees half a batch). The writing process applies each batch in one transaction with a row in
`inbox_batches` (so a batch is never applied twice), then deletes the file; a batch the store refuses moves to
`failed/` beside a `.error` file that says why. Nothing queued is lost: the app polls the inbox every few
seconds, and any writable open of the store applies what waits.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from labels.clock import utc_now
from labels.records import ConfigRecord, RunResult

FORMAT = "judgment-store-inbox/1"
POLL_SECONDS = 2.0


def inbox_dir(store_path: str | Path) -> Path:
    """The inbox folder of the store file at `store_path`."""
    path = Path(store_path)
    return path.with_name(path.name + ".inbox")


@dataclass
class RunBatch:
    """Runs recorded by a command that could not open the store; it quacks like the store's `record_run`."""

    queued_by: str
    runs: list[dict] = field(default_factory=list)

    def record_run(self, config: ConfigRecord, query_id: str, results, *, model_version: str,
                   index_version: str) -> int:
        self.runs.append({"config": asdict(config), "query_id": query_id,
                          "results": [asdict(r) for r in results], "model_version": model_version,
                          "index_version": index_version, "recorded_at": utc_now().isoformat()})
        return -len(self.runs)  # not a store id: the store numbers runs when it applies the batch

    def write(self, store_path: str | Path) -> Path:
        """Put the batch in the inbox of `store_path` atomically; returns its file."""
        folder = inbox_dir(store_path)
        folder.mkdir(parents=True, exist_ok=True)
        queued_at = utc_now()
        batch_id = f"{queued_at.strftime('%Y%m%dT%H%M%S%f')}-{uuid.uuid4().hex[:8]}"
        body = {"format": FORMAT, "batch_id": batch_id, "queued_by": self.queued_by,
                "queued_at": queued_at.isoformat(), "pid": os.getpid(), "runs": self.runs}
        target = folder / f"{batch_id}.json"
        partial = folder / f".{batch_id}.json.partial"
        partial.write_text(json.dumps(body))
        os.replace(partial, target)
        return target


def pending_batches(store_path: str | Path) -> list[Path]:
    """The batches waiting in the inbox, oldest first (names start with their UTC time)."""
    folder = inbox_dir(store_path)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.json") if not p.name.startswith("."))


def read_batch(path: Path) -> dict:
    """A batch file's content, checked: its format, its id and its runs' fields."""
    try:
        body = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ValueError(f"inbox batch {path} cannot be read as JSON ({exc})") from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise ValueError(f"inbox batch {path} is not a {FORMAT} file (format {body.get('format') if isinstance(body, dict) else None!r})")
    for key in ("batch_id", "queued_by", "queued_at", "runs"):
        if key not in body:
            raise ValueError(f"inbox batch {path} has no {key!r}")
    return body


def batch_runs(body: dict) -> list[tuple[ConfigRecord, str, list[RunResult], str, str, datetime]]:
    """The runs of a batch as store records: (config, query id, results, model version, index version, time)."""
    out = []
    for run in body["runs"]:
        results = [RunResult(int(r["rank"]), str(r["item_id"]), float(r["score"]), dict(r.get("breakdown") or {}))
                   for r in run["results"]]
        out.append((ConfigRecord(**run["config"]), str(run["query_id"]), results, str(run["model_version"]),
                    str(run["index_version"]), datetime.fromisoformat(run["recorded_at"])))
    return out


def set_aside(path: Path, error: Exception) -> Path:
    """Move a batch the store refused to `failed/`, with the reason beside it; returns its new path."""
    failed = path.parent / "failed"
    failed.mkdir(exist_ok=True)
    target = failed / path.name
    os.replace(path, target)
    target.with_suffix(".error").write_text(f"{type(error).__name__}: {error}\n")
    return target


@dataclass
class Outcome:
    """What became of a queued batch: applied, refused (with the store's reason) or still waiting."""

    state: str  # "applied" | "failed" | "waiting"
    detail: str = ""


def outcome(batch: Path) -> Outcome:
    """Where the batch `batch` (as written) stands now."""
    if batch.exists():
        return Outcome("waiting")
    error = batch.parent / "failed" / batch.with_suffix(".error").name
    if error.exists():
        return Outcome("failed", error.read_text().strip())
    return Outcome("applied")


def wait_for(batch: Path, seconds: float, *, interval: float = 0.25) -> Outcome:
    """Wait up to `seconds` for the writing process to apply (or refuse) `batch`."""
    deadline = time.monotonic() + seconds
    while True:
        state = outcome(batch)
        if state.state != "waiting" or time.monotonic() >= deadline:
            return state
        time.sleep(interval)


class InboxPoller:
    """A daemon thread that applies the inbox of `store` every `interval` seconds until the store closes."""

    def __init__(self, store, interval: float = POLL_SECONDS) -> None:
        self.store, self.interval = store, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="judgment-store-inbox", daemon=True)

    def start(self) -> InboxPoller:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            if self.store.closed:
                return
            try:
                self.store.apply_inbox()
            except Exception as exc:  # the app keeps serving; the batch stays queued for the next poll
                print(f"[judgment store] inbox not applied: {exc}", flush=True)
