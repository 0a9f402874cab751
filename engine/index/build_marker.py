"""A marker file that says an index build is running: left behind, it means the last build was interrupted.

The marker records the build's phase. Interrupted while writing rows ("write"), the table may be half-written and a
search is refused until `workbench index` repairs it. Interrupted after every row and the BM25 index were written,
while building the vector indexes ("indexes"), the rows are whole: a search opens, with a warning, and a vector column whose
new index was not finished keeps the plan recorded before (its plan is recorded only once its index is built), so
it is searched exactly or through its previous index, never through a missing one.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from engine.workspace import Workspace

MARKER_NAME = "index_build_in_progress.json"  # under WORKSPACE/lancedb/


class InterruptedBuildError(ValueError):
    """The items table was left half-written by a `workbench index` that did not finish."""


def marker_path(workspace: Workspace) -> Path:
    return workspace.lancedb_dir / MARKER_NAME


WRITE, INDEXES = "write", "indexes"  # the phases a build marks


def mark_build_started(workspace: Workspace) -> None:
    """Record (atomically) that a build is about to write the items table."""
    _mark(workspace, {"pid": os.getpid(), "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "phase": WRITE})


def mark_rows_written(workspace: Workspace) -> None:
    """Record that every row and the BM25 index are written and the build has gone on to the vector indexes."""
    info = _read(marker_path(workspace)) or {"pid": os.getpid(), "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    _mark(workspace, {**info, "phase": INDEXES})


def _mark(workspace: Workspace, info: dict) -> None:
    path = marker_path(workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.write_text(json.dumps(info))
    os.replace(partial, path)


def _read(path: Path) -> dict | None:
    try:
        info = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def clear_build_marker(workspace: Workspace) -> None:
    """The build finished its writes and indexes: the table is whole again."""
    marker_path(workspace).unlink(missing_ok=True)


def check_build_finished(workspace: Workspace) -> str | None:
    """Raise InterruptedBuildError, with the repairing command, if a build was interrupted while writing rows;
    return a warning (None when the last build finished) if it was interrupted while building the indexes."""
    path = marker_path(workspace)
    if not path.exists():
        return None
    info = _read(path) or {}
    try:
        since = f" (started {info['started']} by process {info['pid']})"
    except (KeyError, TypeError):
        since = ""
    repair = f"`workbench index --home {workspace.root}`"
    if info.get("phase") == INDEXES:
        return (f"the last `workbench index`{since} stopped while building the vector indexes; every item is written "
                f"and searched, a vector column whose new index was not finished exactly or through its previous "
                f"index (slower above 250,000 items); run {repair} to finish the indexes")
    raise InterruptedBuildError(
        f"the index of {workspace.root} is incomplete: the last `workbench index`{since} did not finish writing "
        f"(interrupted, or still running), so a search could miss items; wait for it to finish, or run "
        f"{repair} to repair it")
