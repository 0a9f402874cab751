"""Read-only views the labeling app needs: one query's open tasks, a rater's progress, who can administer sign-in."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from labels.pools import _OPEN_TASKS, ASSIGNMENT_TTL, _check_int
from labels.queries import require_query
from labels.raters import require_rater
from labels.records import Task
from labels.scales import check_mode
from labels.task_queue import TaskQueue


@dataclass(frozen=True)
class RaterProgress:
    """How far one rater is through the work of one mode."""

    done: int  # distinct tasks of the mode this rater has judged
    open: int  # tasks never given to them that still want raters (not counting ones they hold unjudged)
    open_gold: int = 0  # of which gold: served only between ordinary tasks, so withheld once those run out


def query_tasks(con: duckdb.DuckDBPyConnection, rater_id: str, query_id: str, *, mode: str, limit: int) -> list[Task]:
    """The pooled tasks of one query in one mode that this rater has not judged yet, by task id (a Precision@10 page)."""
    check_mode(mode)
    limit = _check_int(limit, "limit (tasks per page)", 1)
    require_rater(con, rater_id)
    require_query(con, query_id)
    rows = con.execute(
        """
        SELECT t.task_id, t.query_id, t.item_id, t.mode, t.is_gold FROM tasks t
        WHERE t.query_id = ? AND t.mode = ?
          AND EXISTS (SELECT 1 FROM pool_tasks p WHERE p.task_id = t.task_id)
          AND NOT EXISTS (SELECT 1 FROM judgments j WHERE j.task_id = t.task_id AND j.rater_id = ?)
        ORDER BY t.task_id LIMIT ?
        """,
        [query_id, mode, rater_id, limit],
    ).fetchall()
    return [Task(*row) for row in rows]


def rater_progress(con: duckdb.DuckDBPyConnection, rater_id: str, *, mode: str, now) -> RaterProgress:
    """Tasks of `mode` the rater has judged, and tasks still open to them as of `now`."""
    check_mode(mode)
    require_rater(con, rater_id)
    done = con.execute(
        "SELECT count(DISTINCT task_id) FROM judgments WHERE rater_id = ? AND mode = ?", [rater_id, mode]
    ).fetchone()[0]
    still_open, gold = con.execute(
        _OPEN_TASKS, {"rater_id": rater_id, "mode": mode, "fresh_since": now - ASSIGNMENT_TTL}
    ).fetchone()
    return RaterProgress(done=int(done), open=int(still_open), open_gold=int(gold))


def queued_progress(queue: TaskQueue, rater_id: str, *, mode: str, now) -> RaterProgress:
    """`rater_progress` from the in-memory queue (the caller has checked that the rater exists)."""
    check_mode(mode)
    with queue.lock:
        return RaterProgress(
            done=queue.done_count(rater_id, mode), open=queue.open_count(rater_id, mode, now - ASSIGNMENT_TTL),
            open_gold=queue.open_gold_count(rater_id, mode),
        )


def admins_with_secret(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Ids of the admins who can sign in (they have a stored credential), by id."""
    rows = con.execute(
        "SELECT rater_id FROM raters WHERE role = 'admin' AND credential_hash IS NOT NULL ORDER BY rater_id"
    ).fetchall()
    return [r[0] for r in rows]

