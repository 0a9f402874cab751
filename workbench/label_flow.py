"""One rater's labeling session: the task on screen, skip, undo, and the Precision@10 page; no Streamlit here.

The session lives in `st.session_state` (one per rating mode) and talks to the judgment store only
through its public methods, so that it can be tested with a plain in-memory store.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from labels import Judgment, Task

P10_SIZE = 10  # results on one Precision@10 page


@dataclass
class LabelSession:
    """What one rater is doing in one mode, between reruns."""

    rater_id: str
    mode: str  # "graded" or "binary"
    current: Task | None = None  # the task on screen (graded), or the anchor task of the P@10 page (binary)
    page: list[Task] = field(default_factory=list)  # binary: the tasks on the P@10 page, anchor first
    shown_at: float = 0.0  # clock() when the current task was first shown
    pending: list[Task] = field(default_factory=list)  # tasks pushed aside by undo, shown again before new ones
    judged: list[int] = field(default_factory=list)  # task ids judged in this session, newest last (the undo stack)
    reopened: Judgment | None = None  # after undo: the rater's label being changed
    skipped: list[int] = field(default_factory=list)  # tasks skipped since the last show, written by the next one
    clock: Callable[[], float] = time.monotonic

    def show(self, store) -> Task | None:
        """The task to show now, fetching the next one (pending first, then the queue) when none is on screen.

        The queue serves the rater's own open task first, so a new session (a reload, a new tab) shows the
        task the last one left on screen.
        """
        if self.skipped:  # written here because `skip` has no store (the page calls it as a plain callback)
            store.put_aside(self.skipped, self.rater_id)
            self.skipped.clear()
        if self.current is None:
            self.reopened = None
            self.current = self.pending.pop(0) if self.pending else store.assign_next(self.rater_id, mode=self.mode)
            self.shown_at = self.clock()
            self.page = []
            if self.current is not None and self.mode == "binary":
                others = store.query_tasks(self.rater_id, self.current.query_id, mode="binary", limit=P10_SIZE + 1)
                self.page = [self.current] + [t for t in others if t.task_id != self.current.task_id][: P10_SIZE - 1]
        return self.current

    def seconds_on_task(self) -> float:
        return max(0.0, self.clock() - self.shown_at)

    def submit(self, store, label: int, comment: str | None = None) -> Judgment:
        """Record the label of the task on screen (a new row; re-judging after undo supersedes) and move on."""
        if self.current is None:
            raise ValueError("there is no task on screen to label; reload the page to get the next one")
        seconds = self.seconds_on_task()
        if self.pending or self.mode != "graded":  # a task put aside by undo comes next: record only
            judgment, upcoming = store.record_judgment(
                self.current.task_id, self.rater_id, label, seconds_spent=seconds, comment=comment
            ), None
        else:  # label and fetch the next task in one write: one lock hold and one commit per label
            judgment, upcoming = store.record_judgment_and_assign_next(
                self.current.task_id, self.rater_id, label, seconds_spent=seconds, comment=comment, mode=self.mode
            )
        self.judged.append(self.current.task_id)
        self.current, self.reopened = None, None
        if upcoming is not None:
            self.current, self.shown_at = upcoming, self.clock()
        return judgment

    def submit_page(self, store, relevant: list[bool], comment: str | None = None) -> list[Judgment]:
        """Record 1 (relevant) or 0 for every task of the P@10 page; the page's time is split evenly between them."""
        if self.current is None or len(relevant) != len(self.page):
            raise ValueError(f"expected one relevant/not answer per result on the page ({len(self.page)}), got {len(relevant)}")
        seconds = self.seconds_on_task() / max(1, len(self.page))
        judgments = [
            store.record_judgment(task.task_id, self.rater_id, int(bool(flag)), seconds_spent=seconds, comment=comment)
            for task, flag in zip(self.page, relevant, strict=True)
        ]
        self.judged.extend(task.task_id for task in self.page)
        self.current, self.page = None, []
        return judgments

    def skip(self) -> None:
        """Leave the task on screen unjudged; the next `show` releases it to others, never to serve it to this rater again."""
        if self.mode == "binary" and self.page:  # the whole Precision@10 page, not only the task that anchors it
            self.skipped.extend(task.task_id for task in self.page)
        elif self.current is not None and self.reopened is None:  # a task reopened by undo was judged: nothing to release
            self.skipped.append(self.current.task_id)
        self.current, self.page = None, []

    def undo(self, store) -> bool:
        """Re-open the last task judged in this session (the task on screen waits); False when there is none."""
        if not self.judged or self.mode != "graded":
            return False
        task_id = self.judged.pop()
        if self.current is not None:
            self.pending.insert(0, self.current)
        self.current = store.task(task_id)
        history = store.judgment_history(task_id, self.rater_id)
        self.reopened = history[-1] if history else None
        self.shown_at = self.clock()
        return True


def session_for(state, rater_id: str, mode: str) -> LabelSession:
    """The rater's session for `mode` in a session-state mapping, made on first use (a new rater gets a new one)."""
    key = f"label_session_{mode}"
    session = state.get(key)
    if session is None or session.rater_id != rater_id:
        session = LabelSession(rater_id=rater_id, mode=mode)
        state[key] = session
    return session


def assigned_total(progress, *, on_screen: int, pending: int) -> int:
    """The "N assigned" of the Label page: judged, still open, on screen and awaiting their save. Open gold checks
    are left out: they are withheld once the ordinary tasks run out, and mixed in unannounced before that."""
    return progress.done + progress.open - progress.open_gold + on_screen + pending


def queue_end_message(progress) -> str:
    """What the Label page says when the queue hands the rater nothing more (`progress`: store.rater_progress)."""
    if progress.open_gold:
        checks = "check remains" if progress.open_gold == 1 else "checks remain"
        return (f"No ordinary tasks left for you in this mode; {progress.open_gold} {checks} withheld "
                "(checks are only mixed in between ordinary tasks). New tasks appear when an admin builds a task pool.")
    return "No tasks left for you in this mode. Thank you! New tasks appear when an admin builds a task pool."
