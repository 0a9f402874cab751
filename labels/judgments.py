"""Recording judgments: append-only, each in the caller's transaction; a re-judgment is a new row."""

from __future__ import annotations

import math
import numbers
from datetime import datetime

import duckdb
import pandas as pd
import pyarrow as pa

from labels.errors import LabelOutOfRangeError, UnknownNameError, name_list
from labels.pools import select_task
from labels.raters import require_rater
from labels.records import Judgment, Task
from labels.runs import next_id
from labels.scales import LABEL_SCALES, check_label
from labels.staging import staged
from labels.task_queue import TaskQueue

MAX_COMMENT_CHARS = 5000
_TASK_RATER_NEXT_ID = """
    SELECT t.task_id, t.query_id, t.item_id, t.mode, t.is_gold,
           EXISTS (SELECT 1 FROM raters WHERE rater_id = $rater_id::VARCHAR),
           (SELECT coalesce(max(judgment_id), 0) + 1 FROM judgments)
    FROM tasks t WHERE t.task_id = $task_id
"""


def check_seconds(seconds_spent: object) -> float:
    """Seconds spent as a float, or an error: a finite number >= 0."""
    if isinstance(seconds_spent, bool) or not isinstance(seconds_spent, numbers.Real) or not (
        math.isfinite(seconds_spent) and seconds_spent >= 0
    ):
        raise ValueError(f"seconds_spent must be a finite number >= 0, got {seconds_spent!r}")
    return float(seconds_spent)


def check_comment(comment: object) -> str | None:
    """The comment, or None for no comment; an error for a non-string or an overlong one."""
    if comment is None:
        return None
    if not isinstance(comment, str):
        raise ValueError(f"a comment must be a string or None, got {comment!r}")
    if len(comment) > MAX_COMMENT_CHARS:
        raise ValueError(f"a comment may have at most {MAX_COMMENT_CHARS} characters, got {len(comment)}; shorten it")
    return comment if comment.strip() else None


def insert_judgment(
    con: duckdb.DuckDBPyConnection,
    task_id: int,
    rater_id: str,
    label: int,
    *,
    seconds_spent: float,
    comment: str | None,
    now: datetime,
    queue: TaskQueue | None = None,
) -> Judgment:
    """Validate and append one judgment; returns it with its id.

    With `queue` (the store's in-memory mirror, kept in step by this transaction) the task, the
    rater and the next id come from it, without a query, and the queue learns of the judgment.
    """
    task = rater_known = None
    if isinstance(task_id, numbers.Integral) and not isinstance(task_id, bool):
        if queue is not None and (task := queue.tasks.get(int(task_id))) is not None:
            rater_known, judgment_id = isinstance(rater_id, str) and rater_id in queue.raters, queue.next_judgment_id
        else:
            # One round trip: the task, whether the rater exists, the next id.
            row = con.execute(_TASK_RATER_NEXT_ID, {"task_id": int(task_id), "rater_id": rater_id}).fetchone()
            if row is not None:
                task, rater_known, judgment_id = Task(*row[:5]), row[5], row[6]
    if task is None:
        select_task(con, task_id)  # raises, naming the id and the known ones
    if not rater_known:
        require_rater(con, rater_id)  # raises, naming the id and the known ones
    label = check_label(label, task.mode)
    seconds = check_seconds(seconds_spent)
    comment = check_comment(comment)
    con.execute(
        "INSERT INTO judgments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [judgment_id, task.task_id, rater_id, label, task.mode, seconds, comment, task.is_gold, now],
    )
    if queue is not None:
        queue.judged(task.task_id, rater_id, judgment_id)
    return Judgment(task.task_id, rater_id, label, task.mode, seconds, comment, task.is_gold, now, judgment_id)


BULK_COLUMNS = ("task_id", "rater_id", "label", "seconds_spent")


def insert_judgments_bulk(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, *, now: datetime) -> int:
    """Append many judgments from a frame (task_id, rater_id, label, seconds_spent[, comment, judged_at]), set-based.

    Every row is checked (known task and rater, label on the task's scale, seconds >= 0) before
    anything is written; ids follow the frame's row order, so a later row for the same (task,
    rater) is the later judgment.
    """
    missing = [c for c in BULK_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"the judgments frame lacks the columns {missing}; it needs {list(BULK_COLUMNS)} (comment, judged_at optional)")
    n = len(frame)
    if n == 0:
        return 0
    try:
        table = pa.table(
            {
                "position": pa.array(range(n), pa.int64()),
                "task_id": pa.array(frame["task_id"], pa.int64()),
                "rater_id": pa.array(frame["rater_id"], pa.string()),
                "label": pa.array(frame["label"], pa.int64()),
                "seconds_spent": pa.array(frame["seconds_spent"], pa.float64()),
                "comment": pa.array(frame["comment"], pa.string()) if "comment" in frame else pa.nulls(n, pa.string()),
                "judged_at": pa.array(frame["judged_at"], pa.timestamp("us")) if "judged_at" in frame else pa.nulls(n, pa.timestamp("us")),
            }
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as exc:
        raise ValueError(f"the judgments frame has a column of the wrong type ({exc}); task_id and label are integers, "
                         "rater_id a string, seconds_spent a number") from None
    with staged(con, "incoming_judgments", table):
        _check_bulk(con)
        base = next_id(con, "judgments", "judgment_id")
        con.execute(
            """
            INSERT INTO judgments
            SELECT $base + j.position, j.task_id, j.rater_id, j.label, t.mode, j.seconds_spent, j.comment, t.is_gold,
                   coalesce(j.judged_at, $now)
            FROM incoming_judgments j JOIN tasks t USING (task_id)
            """,
            {"base": base, "now": now},
        )
    return n


def _first(con: duckdb.DuckDBPyConnection, sql: str) -> tuple | None:
    rows = con.execute(sql).fetchall()
    return rows[0] if rows else None


def _check_bulk(con: duckdb.DuckDBPyConnection) -> None:
    """Raise naming the first bad row of `incoming_judgments`, if any."""
    row = _first(
        con,
        "SELECT position, task_id FROM incoming_judgments j WHERE task_id IS NULL "
        "OR NOT EXISTS (SELECT 1 FROM tasks t WHERE t.task_id = j.task_id) ORDER BY position LIMIT 1"
    )
    if row:
        raise UnknownNameError(f"row {row[0]} of the judgments frame: unknown task id {row[1]!r}; tasks come from build_task_pool(...)")
    row = _first(
        con,
        "SELECT position, rater_id FROM incoming_judgments j WHERE rater_id IS NULL "
        "OR NOT EXISTS (SELECT 1 FROM raters r WHERE r.rater_id = j.rater_id) ORDER BY position LIMIT 1",
    )
    if row:
        known = [r[0] for r in con.execute("SELECT rater_id FROM raters ORDER BY rater_id").fetchall()]
        raise UnknownNameError(
            f"row {row[0]} of the judgments frame: unknown rater id {row[1]!r}; known rater ids are {name_list(known)}"
        )
    scales = ", ".join(f"('{mode}', {low}, {high})" for mode, (low, high) in LABEL_SCALES.items())
    row = _first(
        con,
        f"""
        SELECT j.position, j.label, t.mode, s.low, s.high
        FROM incoming_judgments j JOIN tasks t USING (task_id) JOIN (VALUES {scales}) s(mode, low, high) ON s.mode = t.mode
        WHERE j.label IS NULL OR j.label < s.low OR j.label > s.high
        ORDER BY j.position LIMIT 1
        """,
    )
    if row:
        raise LabelOutOfRangeError(
            f"row {row[0]} of the judgments frame: label {row[1]!r} is outside the {row[2]} scale; allowed labels are the integers {row[3]}..{row[4]}"
        )
    row = _first(
        con,
        "SELECT position, seconds_spent FROM incoming_judgments WHERE seconds_spent IS NULL OR NOT isfinite(seconds_spent) "
        "OR seconds_spent < 0 ORDER BY position LIMIT 1",
    )
    if row:
        raise ValueError(f"row {row[0]} of the judgments frame: seconds_spent must be a finite number >= 0, got {row[1]!r}")
