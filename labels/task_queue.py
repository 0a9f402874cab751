"""The labeling queue in memory: which pooled tasks each rater may still be handed, kept beside the judgment store.

`pools.assign_next` and `rater_views.rater_progress` answer the same questions with one SQL query
over every judgment and assignment (about 8-13 ms at 20,000 judgments, run under the write lock by
every label). `TaskQueue` holds the same facts (who judged or was given which task, and when) and
answers in microseconds. It is derived data: loaded from the store under the write lock, changed
only by the write that changed the store (in the same lock hold), and dropped whenever any other
write could have changed tasks, pools, judgments or assignments (the store then loads it again).
The SQL stays the rule's definition; tests compare this class against it as an oracle.
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from labels.records import Task


def gold_due(gold_given: int, ordinary_given: int, gold_rate: float) -> bool:
    """Whether a gold task comes next: with it, gold would be at most `gold_rate` of the tasks given (as in SQL)."""
    return gold_given + 1 <= gold_rate * (ordinary_given + gold_given + 1)


@dataclass
class TaskQueue:
    """Per task: wanted raters, who judged it, who holds it since when; per rater: the tasks they were involved in.

    The open-task count of a rater is kept as |candidates| - |candidates the rater saw| - |candidates held
    full right now that the rater did not see|, so that reading it never walks the pool: only the
    tasks held by an unjudged assignment (the ones on raters' screens, and skipped ones) are looked at.
    """

    tasks: dict[int, Task]  # every task, by id
    wanted: dict[int, int | None]  # pooled task -> max overlap over its pools (None: every rater, as gold)
    raters: set[str]  # rater ids known to exist (raters are never deleted)
    next_judgment_id: int
    next_assignment_id: int
    # removed raters get no task; a removal is a plain write, which drops the queue, so a loaded queue is never behind
    removed: set[str] = field(default_factory=set)
    judged_by: dict[int, set[str]] = field(default_factory=dict)  # task -> raters who judged it
    # task -> holder of an unjudged, unskipped assignment -> its latest time
    holds: dict[int, dict[str, datetime]] = field(default_factory=dict)
    open_by: dict[str, set[int]] = field(default_factory=dict)  # rater -> tasks they hold (the same facts, by rater)
    skipped_by: dict[int, set[str]] = field(default_factory=dict)  # task -> raters who put it aside unjudged
    gold_rate: dict[int, float] = field(default_factory=dict)  # pooled gold task -> max gold_rate of its pools
    gold_candidates: dict[str, list[int]] = field(default_factory=dict)  # mode -> pooled gold task ids ascending
    given: dict[tuple[str, str, bool], int] = field(default_factory=dict)  # (rater, mode, is_gold) -> tasks seen
    seen: dict[str, set[int]] = field(default_factory=dict)  # rater -> tasks given to or judged by them
    done: dict[tuple[str, str], set[int]] = field(default_factory=dict)  # (rater, mode) -> tasks judged
    # mode -> pooled task ids ascending, less those that enough raters judged (judgments are never removed)
    candidates: dict[str, list[int]] = field(default_factory=dict)
    in_candidates: set[int] = field(default_factory=set)  # the same ids, for membership
    held: dict[str, set[int]] = field(default_factory=dict)  # mode -> candidates with an unjudged assignment
    seen_candidates: dict[tuple[str, str], int] = field(default_factory=dict)  # (rater, mode) -> candidates seen
    # pooled task -> the raters it is kept to, for tasks whose every pool is kept to chosen raters (absent: open)
    kept_to: dict[int, frozenset[str]] = field(default_factory=dict)
    version: int = 0  # bumped by every change, so that a failed write can tell whether it changed the queue
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)  # readers vs the one writer

    @classmethod
    def build(
        cls,
        tasks: list[Task],
        pooled: list[tuple[int, int | None]],
        judged: list[tuple[int, str]],
        assigned: list[tuple[int, str, datetime]],
        raters: list[str],
        *,
        next_judgment_id: int,
        next_assignment_id: int,
        removed: list[str] = (),
        skipped: list[tuple[int, str]] = (),
        kept: list[tuple[int, str | None]] = (),
    ) -> TaskQueue:
        """A queue from rows: tasks, (task, overlap[, gold_rate]) per pool link, (task, rater) judged,
        (task, rater, at) given, (task, rater) skipped, (task, rater the pool is kept to, or None when a pool of
        the task is open to everyone) per pool link (no rows: every pool open)."""
        queue = cls({t.task_id: t for t in tasks}, {}, set(raters), next_judgment_id, next_assignment_id, set(removed))
        open_somewhere, kept_to = set(), {}
        for task_id, rater_id in kept:
            if rater_id is None:
                open_somewhere.add(task_id)
            else:
                kept_to.setdefault(task_id, set()).add(rater_id)
        queue.kept_to = {t: frozenset(r) for t, r in kept_to.items() if t not in open_somewhere}
        for task_id, overlap, *rate in pooled:
            if overlap is None or (task_id in queue.wanted and queue.wanted[task_id] is None):
                queue.wanted[task_id] = None
            else:
                queue.wanted[task_id] = max(overlap, queue.wanted.get(task_id) or 0)
            if queue.tasks[task_id].is_gold:
                queue.gold_rate[task_id] = max(float(rate[0]) if rate else 0.0, queue.gold_rate.get(task_id, 0.0))
        for task_id, rater_id in judged:
            queue._note_judged(task_id, rater_id)
        for task_id, rater_id, at in assigned:
            queue._note_assigned(task_id, rater_id, at)
        for task_id, rater_id in skipped:
            queue._note_skipped(task_id, rater_id)
        for task_id in sorted(queue.gold_rate):
            queue.gold_candidates.setdefault(queue.tasks[task_id].mode, []).append(task_id)
        for task_id in sorted(queue.wanted):
            if not queue._full_for_good(task_id):
                queue.candidates.setdefault(queue.tasks[task_id].mode, []).append(task_id)
                queue.in_candidates.add(task_id)
        for task_id in queue.holds:
            if task_id in queue.in_candidates:
                queue.held.setdefault(queue.tasks[task_id].mode, set()).add(task_id)
        for rater_id, task_ids in queue.seen.items():
            for task_id in task_ids & queue.in_candidates:
                key = (rater_id, queue.tasks[task_id].mode)
                queue.seen_candidates[key] = queue.seen_candidates.get(key, 0) + 1
        return queue

    # -- reads (callers hold `lock` or the store's write lock) ----------------------------------------

    def _full_for_good(self, task_id: int) -> bool:
        wanted = self.wanted[task_id]
        return wanted is not None and len(self.judged_by.get(task_id, ())) >= wanted

    def _held_full(self, task_id: int, fresh_since: datetime) -> bool:
        """Whether judgments and fresh unjudged assignments fill the task's overlap now."""
        wanted = self.wanted[task_id]
        if wanted is None:
            return False
        fresh = sum(1 for at in self.holds.get(task_id, {}).values() if at >= fresh_since)
        return len(self.judged_by.get(task_id, ())) + fresh >= wanted

    def _wants_more_than(self, task_id: int, rater_id: str, fresh_since: datetime) -> bool:
        """Whether the task still wants raters when `rater_id`'s own claim on it is not counted."""
        wanted = self.wanted.get(task_id, 0)
        if wanted is None:
            return True
        fresh = sum(1 for holder, at in self.holds.get(task_id, {}).items() if holder != rater_id and at >= fresh_since)
        return len(self.judged_by.get(task_id, ())) + fresh < wanted

    def allowed(self, task_id: int, rater_id: str) -> bool:
        """Whether the task may go to the rater: one of its pools is open to everyone or kept to them."""
        kept = self.kept_to.get(task_id)
        return kept is None or rater_id in kept

    def next_task(self, rater_id: str, mode: str, fresh_since: datetime) -> tuple[Task | None, bool]:
        """The task to hand the rater next and whether it is one they already hold (see `pools._RATER_TASKS`).

        Their own open task of `mode` first (lowest id) while it still wants them; else the first open ordinary
        task, or the first open gold task in its place when gold is due; (None, False) when no ordinary task is left.
        """
        for task_id in sorted(self.open_by.get(rater_id, ())):
            if (self.tasks[task_id].mode == mode and self.allowed(task_id, rater_id)
                    and self._wants_more_than(task_id, rater_id, fresh_since)):
                return self.tasks[task_id], True
        seen = self.seen.get(rater_id, ())
        ordinary = next((task_id for task_id in self.candidates.get(mode, ())
                         if task_id not in seen and not self.tasks[task_id].is_gold
                         and self.allowed(task_id, rater_id) and not self._held_full(task_id, fresh_since)), None)
        if ordinary is None:
            return None, False
        gold = next((task_id for task_id in self.gold_candidates.get(mode, ())
                     if task_id not in seen and self.allowed(task_id, rater_id)), None)
        if gold is not None and gold_due(self.given.get((rater_id, mode, True), 0),
                                         self.given.get((rater_id, mode, False), 0), self.gold_rate[gold]):
            return self.tasks[gold], False
        return self.tasks[ordinary], False

    def holds_open(self, task_id: int, rater_id: str) -> bool:
        """Whether the rater holds an unjudged, unskipped assignment of the task."""
        return task_id in self.open_by.get(rater_id, ())

    def open_gold_count(self, rater_id: str, mode: str) -> int:
        """How many of the open tasks (`open_count`) are gold: never given to the rater (gold always wants raters)."""
        seen = self.seen.get(rater_id, ())
        return sum(1 for task_id in self.gold_candidates.get(mode, ())
                   if task_id not in seen and self.allowed(task_id, rater_id))

    def open_count(self, rater_id: str, mode: str, fresh_since: datetime) -> int:
        """How many tasks `next_task` would still hand this rater (the whole queue, not just the first)."""
        seen = self.seen.get(rater_id, ())
        held_full = sum(1 for task_id in self.held.get(mode, ())
                        if task_id not in seen and self._held_full(task_id, fresh_since))
        # candidates kept to other raters (only the kept tasks are walked), not already counted out above
        not_theirs = sum(1 for task_id, kept in self.kept_to.items()
                         if rater_id not in kept and task_id in self.in_candidates and self.tasks[task_id].mode == mode
                         and task_id not in seen
                         and not (task_id in self.held.get(mode, ()) and self._held_full(task_id, fresh_since)))
        return (len(self.candidates.get(mode, ())) - self.seen_candidates.get((rater_id, mode), 0) - held_full
                - not_theirs)

    def done_count(self, rater_id: str, mode: str) -> int:
        """Distinct tasks of `mode` this rater has judged."""
        return len(self.done.get((rater_id, mode), ()))

    # -- changes (the writer, under the store's write lock, in the transaction that made them) ----------

    def _see(self, task_id: int, rater_id: str) -> None:
        seen = self.seen.setdefault(rater_id, set())
        if task_id not in seen:
            seen.add(task_id)
            task = self.tasks.get(task_id)
            if task is not None:
                key = (rater_id, task.mode, task.is_gold)
                self.given[key] = self.given.get(key, 0) + 1
            if task_id in self.in_candidates:
                key = (rater_id, self.tasks[task_id].mode)
                self.seen_candidates[key] = self.seen_candidates.get(key, 0) + 1

    def _release(self, task_id: int, rater_id: str) -> None:
        """The rater no longer holds the task open (they judged or skipped it)."""
        self.open_by.get(rater_id, set()).discard(task_id)
        holders = self.holds.get(task_id)
        if holders is not None and holders.pop(rater_id, None) is not None and not holders:
            del self.holds[task_id]
            if task_id in self.tasks:
                self.held.get(self.tasks[task_id].mode, set()).discard(task_id)

    def _note_judged(self, task_id: int, rater_id: str) -> None:
        self.judged_by.setdefault(task_id, set()).add(rater_id)
        self._release(task_id, rater_id)
        self._see(task_id, rater_id)
        if task_id in self.tasks:
            self.done.setdefault((rater_id, self.tasks[task_id].mode), set()).add(task_id)

    def _note_skipped(self, task_id: int, rater_id: str) -> None:
        self.skipped_by.setdefault(task_id, set()).add(rater_id)
        self._release(task_id, rater_id)
        self._see(task_id, rater_id)

    def _note_assigned(self, task_id: int, rater_id: str, at: datetime) -> None:
        if rater_id not in self.judged_by.get(task_id, ()):
            self.open_by.setdefault(rater_id, set()).add(task_id)
            holders = self.holds.setdefault(task_id, {})
            if rater_id not in holders or holders[rater_id] < at:
                holders[rater_id] = at
            if task_id in self.in_candidates:
                self.held.setdefault(self.tasks[task_id].mode, set()).add(task_id)
        self._see(task_id, rater_id)

    def _retire(self, task_id: int) -> None:
        """The task has its overlap of judgments for good: out of the candidates, and of every count of them."""
        mode = self.tasks[task_id].mode
        ids = self.candidates[mode]
        del ids[bisect.bisect_left(ids, task_id)]
        self.in_candidates.discard(task_id)
        self.held.get(mode, set()).discard(task_id)
        seers = self.judged_by.get(task_id, set()) | set(self.holds.get(task_id, ())) | self.skipped_by.get(task_id, set())
        for rater_id in seers:
            self.seen_candidates[(rater_id, mode)] -= 1

    def judged(self, task_id: int, rater_id: str, judgment_id: int) -> None:
        """The judgment `judgment_id` of the task by the rater was written."""
        with self.lock:
            self.version += 1
            self.next_judgment_id = judgment_id + 1
            self.raters.add(rater_id)
            self._note_judged(task_id, rater_id)
            if task_id in self.in_candidates and self._full_for_good(task_id):
                self._retire(task_id)

    def assigned(self, task_id: int, rater_id: str, at: datetime, assignment_id: int) -> None:
        """The assignment `assignment_id` of the task to the rater at `at` was written."""
        with self.lock:
            self.version += 1
            self.next_assignment_id = assignment_id + 1
            self._note_assigned(task_id, rater_id, at)

    def refreshed(self, task_id: int, rater_id: str, at: datetime) -> None:
        """The rater's open assignment of the task was handed to them again at `at` (its time updated)."""
        with self.lock:
            self.version += 1
            self.holds[task_id][rater_id] = at

    def skipped(self, task_id: int, rater_id: str) -> None:
        """The rater's skip of their open task was written: released, and never served to them again."""
        with self.lock:
            self.version += 1
            self._note_skipped(task_id, rater_id)


def load_task_queue(con: duckdb.DuckDBPyConnection) -> TaskQueue:
    """The queue as the store holds it now (call under the write lock, so that nothing changes meanwhile)."""
    tasks = [Task(*row) for row in con.execute(
        "SELECT task_id, query_id, item_id, mode, is_gold FROM tasks ORDER BY task_id").fetchall()]
    # a task a model judged is out of the human queue, as in pools._RATER_TASKS
    model_judged = "pt.task_id NOT IN (SELECT task_id FROM model_judgments)"
    pooled = con.execute("SELECT pt.task_id, pt.overlap, p.gold_rate FROM pool_tasks pt JOIN pools p USING (pool_id) "
                         f"WHERE {model_judged}").fetchall()
    judged = con.execute("SELECT DISTINCT task_id, rater_id FROM judgments").fetchall()
    assigned = con.execute("SELECT task_id, rater_id, max(assigned_at) FROM assignments GROUP BY ALL").fetchall()
    raters = [r[0] for r in con.execute("SELECT rater_id FROM raters").fetchall()]
    removed = [r[0] for r in con.execute("SELECT rater_id FROM rater_removals").fetchall()]
    skipped = con.execute("SELECT task_id, rater_id FROM assignment_skips").fetchall()
    kept = con.execute("SELECT pt.task_id, r.rater_id FROM pool_tasks pt LEFT JOIN pool_raters r USING (pool_id) "
                       f"WHERE {model_judged}").fetchall()
    next_judgment, next_assignment = con.execute(
        "SELECT (SELECT coalesce(max(judgment_id), 0) + 1 FROM judgments), "
        "(SELECT coalesce(max(assignment_id), 0) + 1 FROM assignments)"
    ).fetchone()
    return TaskQueue.build(tasks, pooled, judged, assigned, raters,
                           next_judgment_id=int(next_judgment), next_assignment_id=int(next_assignment),
                           removed=removed, skipped=skipped, kept=kept)


class QueueSlot:
    """Where the stores of one database file in this process keep their one TaskQueue (None: load it on next use)."""

    def __init__(self) -> None:
        self.queue: TaskQueue | None = None

    def get(self, con: duckdb.DuckDBPyConnection) -> TaskQueue:
        """The queue, loaded through `con` if it was dropped (call under the write lock)."""
        if self.queue is None:
            self.queue = load_task_queue(con)
        return self.queue

    def drop(self) -> None:
        """Forget the queue: a write may have changed what it mirrors."""
        self.queue = None


_SLOTS: dict[str, QueueSlot] = {}
_SLOTS_GUARD = threading.Lock()


def queue_slot_for(key: str) -> QueueSlot:
    """The one slot of the database file `key` in this process (shared like its write lock)."""
    with _SLOTS_GUARD:
        return _SLOTS.setdefault(key, QueueSlot())
