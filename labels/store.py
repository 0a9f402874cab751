"""The judgment store: one DuckDB connection per process, writes serialised and each one transaction.

Durability: every write method runs in its own transaction and commits before it returns, so an
acknowledged write (the call returned) is in DuckDB's write-ahead log and survives the process
being killed. Concurrency: threads share one store; writes take a per-file lock, reads use their
own cursor. Only one process can open the file for writing; other processes get StoreLockedError
(writable opens) or a snapshot copy (read-only opens, with a warning): see `open_store`.
"""

from __future__ import annotations

import shutil
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from labels import frames, judgments, model_judgments, pools, qrels, queries, rater_views, raters, runs
from labels.clock import utc_now
from labels.connection import connect_file, copy_for_snapshot, write_lock_for
from labels.errors import RaterRemovedError, ReadOnlyStoreError, StoreLockedError, StoreNotFoundError
from labels.guideline import select_guideline
from labels.migrate import apply_migrations, check_schema_current
from labels.records import ConfigRecord, GoldAnswer, Judgment, PoolReport, QueryRecord, QuerySet, Rater, RunResult, Task
from labels.task_queue import TaskQueue, queue_slot_for

MEMORY = ":memory:"


class JudgmentStore:
    """Raters, queries, runs, task pools and judgments in one DuckDB database. Use `open_store` to make one."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        where: str,
        read_only: bool,
        lock_key: str,
        snapshot_dir: Path | None = None,
    ):
        self._con = con
        self.where = where  # the file (or ":memory:") as shown in messages
        self.read_only = read_only
        self.is_snapshot = snapshot_dir is not None
        self._snapshot_dir = snapshot_dir
        self._write_lock = write_lock_for(lock_key)
        # The in-memory labeling queue, shared by this process's stores of the file like the write lock;
        # dropped on open and close, since another process may have written the file in between.
        self._queue_slot = queue_slot_for(lock_key)
        self._queue_slot.drop()
        self._cursor_lock = threading.Lock()
        self._writer: duckdb.DuckDBPyConnection | None = None
        self._closed = False
        self.clock: Callable[[], datetime] = utc_now  # replaceable in tests

    # -- lifecycle -------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection (and delete a snapshot's copy); the store is unusable afterwards."""
        if self._closed:
            return
        with self._write_lock:
            self._closed = True
            if self._writer is not None:
                self._writer.close()
            self._con.close()
            self._queue_slot.drop()
        if self._snapshot_dir is not None:
            shutil.rmtree(self._snapshot_dir, ignore_errors=True)

    def __enter__(self) -> JudgmentStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        kind = "snapshot of " if self.is_snapshot else ""
        return f"JudgmentStore({kind}{self.where}, read_only={self.read_only})"

    # -- transactions ----------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._closed

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError(f"the judgment store {self.where} is closed; open it again with open_store(...)")

    @contextmanager
    def _write(self, *, keeps_queue: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction under the write lock: committed when the block ends, rolled back on any error.

        The in-memory task queue is dropped afterwards (to be loaded again) unless `keeps_queue`: the
        block touches none of tasks, pool_tasks, judgments and assignments, or updates the queue itself.
        A failed block that changed the queue drops it too, as the rollback undid what it mirrors.
        """
        if self.read_only:
            what = "as a snapshot copy" if self.is_snapshot else "read-only"
            raise ReadOnlyStoreError(
                f"the judgment store {self.where} is open {what}; writes need a writable store: "
                "open_store(path) in the one process that writes (close a running `workbench app` first)"
            )
        with self._write_lock:
            self._check_open()
            if self._writer is None:
                self._writer = self._con.cursor()
            con = self._writer
            queue = self._queue_slot.queue
            version = queue.version if queue is not None else None
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                after = self._queue_slot.queue
                if after is not queue or (after is not None and after.version != version):
                    self._queue_slot.drop()
                raise
            try:
                con.execute("COMMIT")
            finally:
                if not keeps_queue:
                    self._queue_slot.drop()
            # (a COMMIT that raised leaves the queue dropped: the store's state is then unknown)

    @contextmanager
    def _queue_write(self) -> Iterator[tuple[duckdb.DuckDBPyConnection, TaskQueue]]:
        """A write transaction with the in-memory task queue, which the block keeps in step with what it writes."""
        with self._write(keeps_queue=True) as con:
            yield con, self._queue_slot.get(con)

    @contextmanager
    def _read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for one read, so that threads never share one."""
        self._check_open()
        with self._cursor_lock:
            cursor = self._con.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    # -- writes ----------------------------------------------------------------------------------

    def add_rater(
        self, rater_id: str, name: str, *, role: str = "rater", password: str | None = None,
        simulated: bool = False, exist_ok: bool = False,
    ) -> Rater:
        """Register a rater (the password is stored as a salted PBKDF2 hash); exist_ok returns an identical existing one."""
        with self._write(keeps_queue=True) as con:
            return raters.insert_rater(
                con, rater_id, name, role=role, password=password, simulated=simulated, exist_ok=exist_ok, now=self.clock()
            )

    def add_query_set(self, name: str, description: str = "", *, exist_ok: bool = False) -> QuerySet:
        """Create a query set; exist_ok returns an existing one of that name."""
        with self._write(keeps_queue=True) as con:
            return queries.insert_query_set(con, name, description, exist_ok=exist_ok, now=self.clock())

    def add_queries(self, records: Sequence[QueryRecord]) -> int:
        """Store queries (their sets must exist); identical ones already stored are skipped. Returns how many were new."""
        with self._write(keeps_queue=True) as con:
            return queries.insert_queries(con, list(records), now=self.clock())

    def record_run(
        self, config: ConfigRecord, query_id: str, results: Sequence[RunResult], *, model_version: str, index_version: str
    ) -> int:
        """Store one ranked result list of `config` for a query (registering the config if new); returns the run id."""
        with self._write(keeps_queue=True) as con:
            return runs.insert_run(
                con, config, query_id, results, model_version=model_version, index_version=index_version, now=self.clock()
            )

    def keep_pool_to(self, pool_id: int, rater_ids: Sequence[str]) -> list[str]:
        """Offer pool `pool_id`'s tasks only to these raters (an empty list: to every rater again); returns them."""
        with self._write() as con:  # the queue is loaded again: who may get which task changed
            return pools.keep_pool_to(con, pool_id, list(rater_ids))

    def apply_inbox(self) -> list[str]:
        """Apply the batches other processes queued in this store's inbox (labels.inbox); returns the applied ids.

        Each batch is one transaction with its `inbox_batches` row, so none is applied twice; a batch the store
        refuses (an unknown query, a conflicting config) is set aside in `failed/` with the reason."""
        from labels import inbox

        if self.read_only or self.where == MEMORY:
            return []
        applied = []
        for path in inbox.pending_batches(self.where):
            try:
                body = inbox.read_batch(path)
                with self._write(keeps_queue=True) as con:
                    seen = con.execute("SELECT 1 FROM inbox_batches WHERE batch_id = ?", [body["batch_id"]]).fetchone()
                    if seen is None:
                        for config, query_id, results, model_version, index_version, at in inbox.batch_runs(body):
                            runs.insert_run(con, config, query_id, results, model_version=model_version,
                                            index_version=index_version, now=at)
                        con.execute("INSERT INTO inbox_batches VALUES (?, ?, ?, ?)",
                                    [body["batch_id"], body["queued_by"],
                                     datetime.fromisoformat(body["queued_at"]), self.clock()])
            except FileNotFoundError:
                continue  # another thread of this process applied it a moment ago
            except (ValueError, KeyError, TypeError) as error:
                inbox.set_aside(path, error)
                continue
            path.unlink(missing_ok=True)
            applied.append(body["batch_id"])
        return applied

    def add_gold(self, query_id: str, item_id: str, expected_label: int, *, mode: str = "graded", note: str | None = None) -> GoldAnswer:
        """Record the known label of a (query, item) pair, for gold tasks that check raters."""
        with self._write(keeps_queue=True) as con:
            return pools.insert_gold(con, query_id, item_id, expected_label, mode=mode, note=note, now=self.clock())

    def build_task_pool(
        self, query_set: str, config_names: Sequence[str], *, k: int = 10, overlap: int = 3,
        gold_rate: float = 0.0, mode: str = "graded", seed: int = 0,
        priority: Mapping[tuple[str, str], float] | None = None,
    ) -> PoolReport:
        """Pool the top k of the configs' latest runs over a query set into blind tasks, shuffled by seed, with gold mixed in.

        (query, item) pairs are deduplicated across configs, and a pair already pooled earlier
        reuses its task (and its judgments). Each regular task wants `overlap` raters; each gold
        task goes to every rater once. Gold tasks make up about `gold_rate` of the pool. `priority`
        ((query_id, item_id) -> score, e.g. a relevance model's) serves higher-scored new tasks first;
        it orders the queue only and never fills in a label.
        """
        with self._write() as con:
            return pools.build_task_pool(
                con, query_set, config_names, k=k, overlap=overlap, gold_rate=gold_rate, mode=mode, seed=seed,
                now=self.clock(), priority=priority,
            )

    def assign_next(self, rater_id: str, *, mode: str = "graded") -> Task | None:
        """The next task for this rater, or None when none is left; a task is never given twice to the same rater.

        Unjudged assignments count towards a task's overlap for `pools.ASSIGNMENT_TTL`. A removed rater gets
        RaterRemovedError (a ValueError), not None: "no task left" would tell them to wait for more work.
        """
        with self._queue_write() as (con, queue):
            return pools.assign_next_queued(con, queue, rater_id, mode=mode, now=self.clock())

    def skip_task(self, task_id: int, rater_id: str) -> bool:
        """Put the rater's open task aside: released to others at once and never served to them again.

        False (nothing written) when they hold no open assignment of it (already judged, skipped, or never given).
        """
        with self._queue_write() as (con, queue):
            pools.check_active_queued(con, queue, rater_id)
            return pools.skip_task_queued(con, queue, task_id, rater_id, now=self.clock())

    def put_aside(self, task_ids: Sequence[int], rater_id: str) -> int:
        """Skip a whole Precision@10 page for the rater: its tasks are never served to them again, and go to others.
        Tasks they already judged are left alone. Returns how many tasks were put aside."""
        with self._queue_write() as (con, queue):
            pools.check_active_queued(con, queue, rater_id)
            return pools.put_aside_queued(con, queue, task_ids, rater_id, now=self.clock())

    def record_judgment(
        self, task_id: int, rater_id: str, label: int, *, seconds_spent: float, comment: str | None = None
    ) -> Judgment:
        """Append a judgment (committed before this returns); judging a task again adds a row that supersedes the old one."""
        with self._queue_write() as (con, queue):
            return judgments.insert_judgment(
                con, task_id, rater_id, label, seconds_spent=seconds_spent, comment=comment, now=self.clock(), queue=queue
            )

    def record_judgment_and_assign_next(
        self, task_id: int, rater_id: str, label: int, *, seconds_spent: float, comment: str | None = None,
        mode: str = "graded",
    ) -> tuple[Judgment, Task | None]:
        """`record_judgment` then `assign_next` in one transaction (one lock hold, one commit): a labeling step.

        The judgment is committed before this returns, together with the assignment of the next task. A rater
        removed while labeling keeps the label they just gave (it was work on a task they were given) and then
        gets RaterRemovedError instead of a next task.
        """
        with self._queue_write() as (con, queue):
            now = self.clock()
            judgment = judgments.insert_judgment(
                con, task_id, rater_id, label, seconds_spent=seconds_spent, comment=comment, now=now, queue=queue
            )
            removed = rater_id in queue.removed
            next_task = None if removed else pools.assign_next_queued(con, queue, rater_id, mode=mode, now=now)
        if removed:
            raise RaterRemovedError(
                f"rater {rater_id!r} was removed by an admin: the label just given was saved, and no further "
                "task is given; ask an admin if this is a mistake")
        return judgment, next_task

    def bulk_insert_judgments(self, frame: pd.DataFrame) -> int:
        """Append many judgments in one transaction, all rows checked first (for imports and benchmarks).

        `frame` has the columns task_id, rater_id, label, seconds_spent and optionally comment and
        judged_at (UTC; default now). Row order is judgment order. Returns the number of rows.
        """
        with self._write() as con:
            return judgments.insert_judgments_bulk(con, frame, now=self.clock())

    def record_model_judgments(
        self, labels: Sequence[model_judgments.ModelLabel], *, judge: str, threshold: float, checkpoint_sha256: str,
    ) -> model_judgments.ModelWrite:
        """Store a model's labels as its own judge (`model:...`), apart from people's; the tasks leave the human
        queue. A task whose latest label by this judge and checkpoint is the same is not written again."""
        with self._write() as con:  # the queue is loaded again: these tasks are no longer offered to people
            return model_judgments.insert_model_judgments(con, labels, judge=judge, threshold=threshold,
                                                          checkpoint_sha256=checkpoint_sha256, now=self.clock())

    def record_preference(
        self, query_id: str, rater_id: str, left_config_hash: str, right_config_hash: str, choice: str,
        seconds_spent: float,
    ) -> "Preference":
        """Append a blind side-by-side preference (choice left, right or tie) between two configs' lists for a query."""
        from labels.preferences import insert_preference

        with self._write(keeps_queue=True) as con:
            return insert_preference(con, query_id, rater_id, left_config_hash, right_config_hash, choice,
                                     seconds_spent=seconds_spent, now=self.clock())

    def import_qrels(self, rows: Iterable[tuple[str, str, int]], *, source: str, mode: str = "graded",
                     merge: bool = False) -> int:
        """Store (query_id, item_id, label) rows as judgments of the pseudo-rater `qrels:<source>`; returns the count.

        Rows for queries of another query set are refused unless `merge` (they would change that set's metrics)."""
        with self._write() as con:
            return qrels.import_qrels(con, rows, source=source, mode=mode, now=self.clock(), merge=merge)

    def replace_config_runs(
        self, config: ConfigRecord, results: pd.DataFrame, *, query_sets: Sequence[str], model_version: str,
        index_version: str,
    ) -> tuple[int, list[str]]:
        """Store a whole run file (query_id, item_id, rank, score) as `config`'s latest runs, in one transaction.

        Queries of `query_sets` that the earlier runs of this config name covered and `results` does not get an
        empty run (their earlier results stop counting). Returns (runs stored, queries withdrawn)."""
        with self._write() as con:
            return runs.replace_config_runs(con, config, results, query_sets=query_sets, model_version=model_version,
                                            index_version=index_version, now=self.clock())

    # -- reads -----------------------------------------------------------------------------------

    def judgments_frame(
        self, *, include_simulated: bool = True, mode: str | None = None, query_set: str | None = None,
        include_gold: bool = False, include_model: bool = False,
    ) -> pd.DataFrame:
        """Latest judgment per (task, rater), gold left out unless include_gold: query_id, query_type, item_id,
        rater_id, simulated, mode, label, seconds_spent, judged_at, comment, gold.

        People's judgments only, unless include_model: then the model judges' latest labels follow, each under its
        judge id (`model:relevance`), never under a person's."""
        with self._read() as con:
            people = frames.judgments_frame(con, include_simulated=include_simulated, mode=mode, query_set=query_set,
                                            include_gold=include_gold)
            if not include_model:
                return people
            models = model_judgments.model_judgments_frame(con, mode=mode, query_set=query_set)
        return pd.concat([people, models], ignore_index=True) if len(models) else people

    def model_judgments_frame(self, *, mode: str | None = None, query_set: str | None = None) -> pd.DataFrame:
        """The model judges' latest labels alone, in judgments_frame's columns (rater_id: the judge's id)."""
        with self._read() as con:
            return model_judgments.model_judgments_frame(con, mode=mode, query_set=query_set)

    def pool_pairs(self, pool_id: int, judge: str) -> pd.DataFrame:
        """A graded pool's regular tasks with its overlap, how many people judged each, and `judge`'s latest label."""
        with self._read() as con:
            return model_judgments.pool_pairs(con, pool_id, judge)

    def preferences_frame(self, query_set: str | None = None) -> pd.DataFrame:
        """Every blind side-by-side preference, oldest first: see labels.preferences.PREFERENCE_COLUMNS."""
        from labels.preferences import preferences_frame

        with self._read() as con:
            return preferences_frame(con, query_set)

    def gold_frame(self) -> pd.DataFrame:
        """Latest judgments of gold tasks: rater_id, task_id, query_id, item_id, mode, label, expected_label."""
        with self._read() as con:
            return frames.gold_frame(con)

    def run_results_frame(self, config_names: Sequence[str] | None = None, query_set: str | None = None) -> pd.DataFrame:
        """Latest run per (config, query): config_name, config_hash, run_id, query_id, query_type, item_id, rank, score."""
        with self._read() as con:
            return runs.run_results_frame(con, config_names, query_set)

    def pool_progress(self) -> pd.DataFrame:
        """One row per task pool, oldest first, with its tasks judged and wanted: see pools.POOL_PROGRESS_COLUMNS."""
        with self._read() as con:
            return pools.pool_progress_frame(con)

    def configs(self) -> list[ConfigRecord]:
        """Every (name, hash) config that has been run."""
        with self._read() as con:
            return runs.select_configs(con)

    def query_sets(self) -> list[QuerySet]:
        """Every query set."""
        with self._read() as con:
            return queries.select_query_sets(con)

    def queries(self, query_set: str) -> list[QueryRecord]:
        """The queries of a query set, by id."""
        with self._read() as con:
            return queries.select_queries(con, query_set)

    def query(self, query_id: str) -> QueryRecord:
        """One query by id."""
        with self._read() as con:
            return queries.require_query(con, query_id)

    def raters(self) -> list[Rater]:
        """Every rater, by id."""
        with self._read() as con:
            return raters.select_raters(con)

    def rater(self, rater_id: str) -> Rater:
        """One rater by id."""
        with self._read() as con:
            return raters.require_rater(con, rater_id)

    def removed_raters(self) -> set[str]:
        """The ids of raters removed from sign-in (their judgments stay)."""
        with self._read() as con:
            return raters.removed_rater_ids(con)

    def set_rater_role(self, rater_id: str, role: str) -> Rater:
        """Change a rater's role."""
        with self._write() as con:
            return raters.set_role(con, rater_id, role)

    def reset_rater_secret(self, rater_id: str, password: str) -> Rater:
        """Give a rater a new secret; the old one stops working at once."""
        with self._write() as con:
            return raters.set_secret(con, rater_id, password)

    def remove_rater(self, rater_id: str) -> Rater:
        """Stop a rater signing in; every judgment they made stays."""
        with self._write() as con:
            return raters.remove_rater(con, rater_id, now=self.clock())

    def session_rater(self, rater_id: str) -> tuple[Rater, int] | None:
        """The rater as stored now and their session epoch; None when they cannot hold a session (unknown, removed,
        no secret)."""
        with self._read() as con:
            return raters.session_rater(con, rater_id)

    def end_sessions(self, rater_id: str) -> int:
        """End every session of the rater (their session tokens stop working); returns the new session epoch."""
        with self._write(keeps_queue=True) as con:
            raters.require_rater(con, rater_id)
            return raters.end_sessions(con, rater_id)

    def task(self, task_id: int) -> Task:
        """One task by id."""
        with self._read() as con:
            return pools.select_task(con, task_id)

    def check_credentials(self, rater_id: str, password: str) -> bool:
        """Whether `password` is this rater's (False for unknown raters and raters without a credential)."""
        with self._read() as con:
            return raters.check_credentials(con, rater_id, password)

    def judgment_history(self, task_id: int, rater_id: str) -> list[Judgment]:
        """Every judgment of a task by a rater, oldest first (the last one is current)."""
        with self._read() as con:
            rows = con.execute(
                "SELECT task_id, rater_id, label, mode, seconds_spent, comment, is_gold, judged_at, judgment_id "
                "FROM judgments WHERE task_id = ? AND rater_id = ? ORDER BY judgment_id",
                [task_id, rater_id],
            ).fetchall()
        return [Judgment(*row) for row in rows]

    def query_tasks(self, rater_id: str, query_id: str, *, mode: str = "binary", limit: int = 10) -> list[Task]:
        """The pooled tasks of one query that this rater has not judged yet, by task id (one Precision@10 page)."""
        with self._read() as con:
            return rater_views.query_tasks(con, rater_id, query_id, mode=mode, limit=limit)

    def rater_progress(self, rater_id: str, *, mode: str = "graded") -> rater_views.RaterProgress:
        """Tasks of `mode` this rater has judged, and tasks `assign_next` would still hand them."""
        if self.read_only:  # a snapshot or a shared read-only open: no queue here, ask the SQL
            with self._read() as con:
                return rater_views.rater_progress(con, rater_id, mode=mode, now=self.clock())
        queue = self._queue_slot.queue
        if queue is None:
            with self._write_lock, self._read() as con:  # loaded while no write runs; reads only
                queue = self._queue_slot.get(con)
        if not isinstance(rater_id, str) or rater_id not in queue.raters:
            with self._read() as con:
                raters.require_rater(con, rater_id)  # raises, naming the known ids
            queue.raters.add(rater_id)
        return rater_views.queued_progress(queue, rater_id, mode=mode, now=self.clock())

    def admins_with_secret(self) -> list[str]:
        """Ids of the admins who can sign in with a secret (what `workbench app --auth password` needs)."""
        with self._read() as con:
            return rater_views.admins_with_secret(con)

    def guideline(self, mode: str) -> str:
        """The rating guideline (Markdown) for "graded" or "binary"."""
        with self._read() as con:
            return select_guideline(con, mode)

    def count_rows(self, table: str) -> int:
        """Rows in one of the store's tables (for checks and reports)."""
        with self._read() as con:
            known = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            if table not in known:
                raise ValueError(f"unknown table {table!r}; the store's tables are {', '.join(sorted(known))}")
            return int(con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])


def open_store(path: str | Path, *, read_only: bool = False) -> JudgmentStore:
    """Open (creating it when writable) the judgment store at `path`, applying pending migrations when writable.

    `path=":memory:"` gives a private in-memory store. A writable open while another process writes
    raises StoreLockedError. A read-only open while another process writes cannot open the file at
    all (DuckDB locks it whole), so it warns and returns `snapshot(path)`: a read-only copy as of now.
    A read-only open of a store at an older schema raises SchemaVersionError: open it writable once.
    """
    if str(path) == MEMORY:
        if read_only:
            raise ValueError("an in-memory store cannot be opened read-only; open a file, or drop read_only=True")
        con = duckdb.connect(MEMORY)
        apply_migrations(con, MEMORY)
        return JudgmentStore(con, where=MEMORY, read_only=False, lock_key=f"{MEMORY}:{id(con)}")
    path = Path(path).expanduser().resolve()
    if read_only and not path.exists():
        raise StoreNotFoundError(
            f"no judgment store at {path}; a read-only open needs an existing file. Create it with a writable "
            "open (open_store(path), or `workbench app` / `workbench demo` in its workspace), or check the path"
        )
    if path.is_dir():
        raise ValueError(f"the judgment store path {path} is a folder; give a file path such as {path / 'judgments.duckdb'}")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con, shared = connect_file(path, read_only=read_only)
    except StoreLockedError:
        if not read_only:
            raise
        warnings.warn(
            f"the judgment store {path} is open for writing by another process; reading a snapshot taken now "
            "(later writes will not show; open again for a fresh one)",
            stacklevel=2,
        )
        return snapshot(path)
    try:
        if read_only:
            check_schema_current(con, str(path))
        else:
            apply_migrations(con, str(path))
    except BaseException:
        con.close()
        raise
    store = JudgmentStore(con, where=str(path), read_only=read_only or shared, lock_key=str(path))
    if not store.read_only:
        store.apply_inbox()  # writes queued while another process held the file
    return store


def snapshot(path: str | Path) -> JudgmentStore:
    """A read-only store over a private copy of the file and its WAL as of now (works while another process writes).

    The copy lives in a temporary folder that `close()` deletes; writes to the original after the
    copy was taken do not show.
    """
    path = Path(path).expanduser().resolve()
    copy = copy_for_snapshot(path)
    try:
        con = duckdb.connect(str(copy), read_only=True)
        check_schema_current(con, str(path))
    except BaseException:
        shutil.rmtree(copy.parent, ignore_errors=True)
        raise
    return JudgmentStore(con, where=str(path), read_only=True, lock_key=str(copy), snapshot_dir=copy.parent)
