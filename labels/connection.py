"""Opening the DuckDB file: lock errors made readable, one write lock per file per process, snapshots.

DuckDB lets one process open a database file read-write; while it does, no other process can open
the file at all, not even read-only (checked with duckdb 2.0: "Could not set lock on file ...
Conflicting lock is held in <program> (PID n)"). Readers in other processes therefore read a
*snapshot*: a copy of the file and its write-ahead log taken at one moment.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import time
from pathlib import Path

import duckdb

from labels.errors import StoreLockedError, StoreNotFoundError

_HOLDER = re.compile(r"held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")
_WRITE_LOCKS: dict[str, threading.RLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def write_lock_for(key: str) -> threading.RLock:
    """The one lock that serialises writes to the file `key` within this process."""
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(key, threading.RLock())


def is_lock_conflict(exc: Exception) -> bool:
    """Whether a DuckDB error says another process holds the file's lock."""
    return isinstance(exc, duckdb.IOException) and "Could not set lock" in str(exc)


def locked_error(path: Path, exc: Exception) -> StoreLockedError:
    """A StoreLockedError naming the file, the holding process where DuckDB says, and the ways out."""
    match = _HOLDER.search(str(exc))
    holder = f"process {match['pid']} ({match['program']})" if match else "another process"
    return StoreLockedError(
        f"the judgment store {path} is open for writing by {holder}; only one process can write it at a time. "
        "Close that process (for example a running `workbench app`) and try again, or open the store with "
        "read_only=True to read a snapshot of it"
    )


def connect_file(path: Path, *, read_only: bool) -> tuple[duckdb.DuckDBPyConnection, bool]:
    """Connect to `path`; returns (connection, shared) where shared means this process's writable instance is reused.

    DuckDB refuses a read-only connection to a file this process already has open read-write, so
    a read-only open then shares the writable instance (the store refuses writes itself).
    """
    try:
        return duckdb.connect(str(path), read_only=read_only), False
    except duckdb.ConnectionException as exc:
        if "different configuration" not in str(exc):
            raise
        if read_only:
            return duckdb.connect(str(path)), True
        raise StoreLockedError(
            f"the judgment store {path} is already open read-only in this process; close that store "
            "before opening it for writing"
        ) from exc
    except duckdb.IOException as exc:
        if is_lock_conflict(exc):
            raise locked_error(path, exc) from exc
        raise ValueError(f"cannot open the judgment store {path}: {exc}") from exc
    except duckdb.Error as exc:
        raise ValueError(f"cannot open the judgment store {path} (is it a DuckDB file?): {exc}") from exc


def wal_path(path: Path) -> Path:
    """DuckDB's write-ahead log beside a database file."""
    return path.with_name(path.name + ".wal")


def _signature(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def copy_for_snapshot(path: Path, attempts: int = 5) -> Path:
    """Copy the database file and its WAL into a fresh temporary folder; returns the copy's path.

    The writer may checkpoint (fold the WAL into the file) while we copy; the copy is retried
    until the main file did not change during it. Appends to the WAL during the copy are safe:
    DuckDB ignores a torn last WAL entry, as after a crash.
    """
    if not path.exists():
        raise StoreNotFoundError(f"no judgment store at {path}; nothing to snapshot")
    folder = Path(tempfile.mkdtemp(prefix="judgments-snapshot-"))
    target = folder / path.name
    for attempt in range(attempts):
        before = _signature(path)
        shutil.copyfile(path, target)
        wal, wal_copy = wal_path(path), wal_path(target)
        wal_copy.unlink(missing_ok=True)
        if wal.exists():
            try:
                shutil.copyfile(wal, wal_copy)
            except FileNotFoundError:  # checkpointed away while we copied: retry
                continue
        if _signature(path) == before:
            return target
        time.sleep(0.05 * (attempt + 1))
    shutil.rmtree(folder, ignore_errors=True)
    raise StoreLockedError(
        f"could not take a consistent snapshot of {path}: the writing process kept checkpointing it; try again"
    )
