"""A marker file that says an index build is writing: left behind, it means the last build was interrupted."""

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


def mark_build_started(workspace: Workspace) -> None:
    """Record (atomically) that a build is about to write the items table."""
    path = marker_path(workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.write_text(json.dumps({"pid": os.getpid(), "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}))
    os.replace(partial, path)


def clear_build_marker(workspace: Workspace) -> None:
    """The build finished its writes and indexes: the table is whole again."""
    marker_path(workspace).unlink(missing_ok=True)


def check_build_finished(workspace: Workspace) -> None:
    """Raise InterruptedBuildError, with the repairing command, if a build's marker was left behind."""
    path = marker_path(workspace)
    if not path.exists():
        return
    try:
        info = json.loads(path.read_text())
        since = f" (started {info['started']} by process {info['pid']})"
    except (OSError, ValueError, KeyError, TypeError):
        since = ""
    raise InterruptedBuildError(
        f"the index of {workspace.root} is incomplete: the last `workbench index`{since} did not finish writing "
        f"(interrupted, or still running), so a search could miss items; wait for it to finish, or run "
        f"`workbench index --home {workspace.root}` to repair it")
