"""Image files an interrupted ingest stored but never wrote a row for: a journal per ingest, swept by the next one.

An ingest stores a batch's images under catalog/ before the batch's LanceDB write; killed in between,
it leaves files no row points to. Each ingest therefore notes every image it stores in its own journal
(catalog/.pending/<pid>-<random>.txt) and empties it once the batch's rows are written. The next
ingest that finds no other ingest running (an exclusive lock on catalog/.pending/ingest.lock; every
running ingest holds it shared) removes the journalled files that no row references, the half-written
`.partial` files, and the journals. Only content-addressed names (catalog/<ab>/<ab…64 hex>.<ext>) are
ever removed: anything else under catalog/, and images no journal names (say the old image of an item
whose image changed, which a query may still show), is left alone.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from engine.catalog.images import FORMAT_EXTENSIONS
from engine.workspace import Workspace

try:
    import fcntl
except ImportError:  # not on Windows: no sweep there, journals are still kept
    fcntl = None

log = logging.getLogger(__name__)

PENDING_DIR = ".pending"
LOCK_NAME = "ingest.lock"
_EXTENSIONS = "|".join(sorted(set(FORMAT_EXTENSIONS.values())))


@dataclass
class OrphanSweep:
    """What one sweep found and did."""

    removed: list[str] = field(default_factory=list)  # journalled image paths no row referenced, now deleted
    kept: int = 0  # journalled image paths that rows do reference (a row was written after all)
    partials_removed: int = 0  # half-written files of a killed ingest
    journals: int = 0  # journals of earlier ingests that never finished
    skipped: str | None = None  # why nothing was swept, if so

    def describe(self) -> str:
        if self.skipped:
            return f"orphan image sweep skipped: {self.skipped}"
        return (f"{self.journals} interrupted ingest(s) left {len(self.removed)} image file(s) no row references "
                f"and {self.partials_removed} half-written file(s); removed them")


# What images._place writes aside before renaming: <stored name>.<pid>.<thread id>.partial
_PARTIAL = re.compile(r"(?P<stored>[^/]+)\.\d+\.\d+\.partial")


def _stored_name(catalog: str) -> re.Pattern:
    return re.compile(rf"{re.escape(catalog)}/(?P<ab>[0-9a-f]{{2}})/(?P=ab)[0-9a-f]{{62}}\.(?:{_EXTENSIONS})")


class IngestJournal:
    """This ingest's shared lock and journal of images stored for rows not written yet (a context manager)."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace
        self.folder = workspace.catalog_dir / PENDING_DIR
        self._write_lock = threading.Lock()
        self._lock_handle = None
        self._journal = None
        self.path: Path | None = None
        self.sweep = OrphanSweep(skipped="not run")

    def __enter__(self) -> IngestJournal:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock_handle = open(self.folder / LOCK_NAME, "a")
        if fcntl is None:
            self.sweep = OrphanSweep(skipped="file locks are not available on this system")
        else:
            self.sweep = self._sweep_if_alone()
            fcntl.flock(self._lock_handle, fcntl.LOCK_SH)  # shared while this ingest runs: others may ingest alongside
        if self.sweep.removed or self.sweep.partials_removed:
            log.warning(self.sweep.describe())
        # Made under the shared lock: a sweep (exclusive) never sees the journal of a live ingest.
        self.path = self.folder / f"{os.getpid()}-{uuid.uuid4().hex}.txt"
        self._journal = open(self.path, "w", encoding="utf-8")
        return self

    def _sweep_if_alone(self) -> OrphanSweep:
        try:
            fcntl.flock(self._lock_handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return OrphanSweep(skipped="another ingest into this workspace is running; the next one sweeps")
        try:
            return sweep_orphans(self.workspace)
        except Exception as error:  # never fail an ingest over leftovers: say so, the next ingest tries again
            log.warning("orphan image sweep failed: %s: %s", type(error).__name__, error)
            return OrphanSweep(skipped=f"{type(error).__name__}: {error}")

    def stored(self, image_path: str) -> None:
        """Note an image stored for a row not yet written (thread-safe; on disk before this returns)."""
        with self._write_lock:
            self._journal.write(image_path + "\n")
            self._journal.flush()

    def written(self) -> None:
        """The rows of every image noted so far are written: forget them."""
        with self._write_lock:
            self._journal.seek(0)
            self._journal.truncate()
            self._journal.flush()

    def __exit__(self, exc_type, *exc) -> None:
        with self._write_lock:
            pending = self._journal.tell() > 0
            self._journal.close()
        if not pending:  # else left for the next ingest to sweep: those images' rows were never written
            self.path.unlink(missing_ok=True)
        self._lock_handle.close()  # releases the shared lock


def sweep_orphans(workspace: Workspace, referenced: Iterable[str] | None = None) -> OrphanSweep:
    """Remove the files of journals left by ingests that never finished and that no items row references.

    Call only while no ingest runs in the workspace (`IngestJournal` holds its exclusive lock).
    `referenced` is every image_path of the items table (read from it when not given).
    """
    folder = workspace.catalog_dir / PENDING_DIR
    journals = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    pattern = _stored_name(workspace.catalog_dir.name)
    partials = [path for path in sorted(workspace.catalog_dir.glob("??/*.partial")) if _is_partial(path, pattern)]
    sweep = OrphanSweep(journals=len(journals))
    if not journals and not partials:
        return sweep
    named = set()
    for journal in journals:
        named.update(line.strip() for line in journal.read_text(encoding="utf-8", errors="replace").splitlines())
    named = {name for name in named if pattern.fullmatch(name)}  # anything else is never ours to delete
    if named:
        in_use = set(referenced) if referenced is not None else _referenced(workspace)
        catalog = os.path.realpath(workspace.catalog_dir)
        for name in sorted(named):
            if name in in_use:
                sweep.kept += 1
                continue
            target = os.path.realpath(workspace.root / name)
            if os.path.dirname(os.path.dirname(target)) != catalog:  # a linked folder pointing elsewhere
                continue
            try:
                os.unlink(target)
            except FileNotFoundError:
                continue
            sweep.removed.append(name)
    for partial in partials:
        partial.unlink(missing_ok=True)
        sweep.partials_removed += 1
    for path in journals:
        path.unlink(missing_ok=True)
    return sweep


def _is_partial(path: Path, stored: re.Pattern) -> bool:
    """Whether `path` is a file `images._place` was writing aside (a stored name, then pid, thread, .partial)."""
    match = _PARTIAL.fullmatch(path.name)
    return match is not None and stored.fullmatch(f"{path.parent.parent.name}/{path.parent.name}/{match['stored']}") is not None


def _referenced(workspace: Workspace) -> set[str]:
    """Every image_path of the items table as it is now (a fresh open: a table handle may lag behind)."""
    from engine.index.store import items_table_exists, open_items_table

    if not items_table_exists(workspace):
        return set()
    table = open_items_table(workspace)
    return set(table.search().select(["image_path"]).limit(None).to_arrow().column("image_path").to_pylist())
