"""Task pools: pooling the top k of several configs, blind and shuffled, with gold tasks mixed in; handing out tasks."""

from __future__ import annotations

import json
import numbers
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from labels.errors import ConflictError, EmptyQuerySetError, NoRunsError, UnknownNameError, name_list
from labels.queries import require_query, require_query_set
from labels.raters import is_removed, removed_error, require_rater
from labels.records import GoldAnswer, PoolReport, Task
from labels.runs import latest_results_for_pool, next_id, require_config_names
from labels.scales import check_label, check_mode
from labels.staging import staged
from labels.task_queue import TaskQueue

# An assignment not judged within this time stops counting towards a task's overlap, so that an
# abandoned task goes to someone else; it is still never given to the same rater again.
ASSIGNMENT_TTL = timedelta(minutes=30)


def _check_int(value: object, what: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise ValueError(f"{what} must be an integer >= {low}, got {value!r}")
    return int(value)


def gold_count(n_regular: int, gold_rate: float) -> int:
    """Gold tasks to add so that they make up `gold_rate` of the pool: g / (n + g) = rate."""
    return int(round(n_regular * gold_rate / (1.0 - gold_rate)))


def unique_pairs(results: pd.DataFrame) -> list[tuple[str, str]]:
    """Distinct (query_id, item_id) pairs, sorted, so that the shuffle depends only on the seed."""
    return sorted(set(zip(results["query_id"], results["item_id"], strict=True)))


def shuffle(entries: list, seed: int) -> list:
    """`entries` in an order fixed by `seed` alone."""
    order = np.random.default_rng(seed).permutation(len(entries))
    return [entries[i] for i in order]


def prioritise(entries: list[tuple[str, str, bool]], priority: Mapping[tuple[str, str], float]) -> list:
    """Shuffled entries with the regular ones reordered by priority, highest first; gold keeps its slots.

    A model's pre-ranking of a labeling queue: it only changes which task a rater gets first, never a label.
    Regular pairs without a priority follow those with one, in their shuffled order (the sort is stable).
    """
    for pair, value in priority.items():
        if not isinstance(value, numbers.Real) or isinstance(value, bool) or value != value:
            raise ValueError(f"priority of {pair!r} must be a real number, got {value!r}")
    regular = [e for e in entries if not e[2]]
    ranked = iter(sorted(regular, key=lambda e: (0, -priority[e[:2]]) if e[:2] in priority else (1, 0.0)))
    return [e if e[2] else next(ranked) for e in entries]


def choose_varied(candidates: list[tuple[str, str]], n: int, seed: int) -> list[tuple[str, str]]:
    """`n` of the sorted (query_id, item_id) candidates, chosen by `seed`, as many distinct items and queries as can be.

    A check that shows the same product again, or the same query again, is soon recognised as a check.
    """
    order = np.random.default_rng([seed, 1]).permutation(len(candidates))
    item_uses: dict[str, int] = {}
    query_uses: dict[str, int] = {}
    ranked = []
    for position in order:  # the k-th candidate of an item (or query) in shuffled order ranks in round k
        query_id, item_id = candidates[position]
        item_uses[item_id] = item_uses.get(item_id, 0) + 1
        query_uses[query_id] = query_uses.get(query_id, 0) + 1
        ranked.append(((item_uses[item_id], query_uses[query_id]), len(ranked), candidates[position]))
    return sorted(pair for _, _, pair in sorted(ranked)[:n])


def insert_gold(
    con: duckdb.DuckDBPyConnection, query_id: str, item_id: str, expected_label: int, *, mode: str, note: str | None, now: datetime
) -> GoldAnswer:
    """Record the expected label of a (query, item) pair; the same answer again is a no-op, a different one an error."""
    check_mode(mode)
    label = check_label(expected_label, mode)
    require_query(con, query_id)
    if not isinstance(item_id, str) or not item_id:
        raise ValueError(f"a gold item id must be a non-empty string, got {item_id!r}")
    row = con.execute(
        "SELECT expected_label FROM gold_answers WHERE query_id = ? AND item_id = ? AND mode = ?", [query_id, item_id, mode]
    ).fetchone()
    if row is not None and row[0] != label:
        raise ConflictError(
            f"({query_id!r}, {item_id!r}) already has the {mode} gold answer {row[0]}, not {label}; "
            "gold answers do not change: if it was wrong, use another item"
        )
    if row is None:
        con.execute("INSERT INTO gold_answers VALUES (?, ?, ?, ?, ?, ?)", [query_id, item_id, mode, label, note, now])
    return GoldAnswer(query_id, item_id, mode, label, note)


def _gold_candidates(con: duckdb.DuckDBPyConnection, mode: str, pooled: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """Gold pairs of the mode that no regular task (stored or in this pool) already shows to raters."""
    rows = con.execute(
        """
        SELECT g.query_id, g.item_id FROM gold_answers g
        WHERE g.mode = ? AND NOT EXISTS (
            SELECT 1 FROM tasks t
            WHERE t.query_id = g.query_id AND t.item_id = g.item_id AND t.mode = g.mode AND NOT t.is_gold)
        ORDER BY g.query_id, g.item_id
        """,
        [mode],
    ).fetchall()
    return [pair for pair in rows if pair not in pooled]


_POOL_ARROW = pa.schema([("position", pa.int64()), ("query_id", pa.string()), ("item_id", pa.string()), ("is_gold", pa.bool_())])


def _store_pool_tasks(
    con: duckdb.DuckDBPyConnection, entries: list[tuple[str, str, bool]], *, pool_id: int, mode: str, overlap: int, now: datetime
) -> int:
    """Create the tasks not stored yet (ids in shuffled order) and link every entry to the pool; returns the new regular tasks."""
    table = pa.Table.from_pydict(
        {
            "position": list(range(len(entries))),
            "query_id": [e[0] for e in entries],
            "item_id": [e[1] for e in entries],
            "is_gold": [e[2] for e in entries],
        },
        schema=_POOL_ARROW,
    )
    with staged(con, "incoming_pool", table):
        base = next_id(con, "tasks", "task_id")
        con.execute(
            """
            INSERT INTO tasks
            SELECT $base + row_number() OVER (ORDER BY p.position) - 1, p.query_id, p.item_id, $mode, p.is_gold, $now
            FROM incoming_pool p
            WHERE NOT EXISTS (SELECT 1 FROM tasks t WHERE t.query_id = p.query_id AND t.item_id = p.item_id
                                                      AND t.mode = $mode AND t.is_gold = p.is_gold)
            """,
            {"base": base, "mode": mode, "now": now},
        )
        new = con.execute("SELECT count(*) FROM tasks WHERE task_id >= ? AND NOT is_gold", [base]).fetchone()[0]
        con.execute(
            """
            INSERT INTO pool_tasks
            SELECT $pool_id, t.task_id, CASE WHEN p.is_gold THEN NULL ELSE $overlap END
            FROM incoming_pool p
            JOIN tasks t ON t.query_id = p.query_id AND t.item_id = p.item_id AND t.mode = $mode AND t.is_gold = p.is_gold
            """,
            {"pool_id": pool_id, "mode": mode, "overlap": overlap},
        )
    return int(new)


def build_task_pool(
    con: duckdb.DuckDBPyConnection,
    query_set: str,
    config_names: Sequence[str],
    *,
    k: int,
    overlap: int,
    gold_rate: float,
    mode: str,
    seed: int,
    now: datetime,
    priority: Mapping[tuple[str, str], float] | None = None,
) -> PoolReport:
    """Pool the top k of each config's latest runs over the query set into blind, shuffled tasks with gold mixed in.

    `priority` ((query_id, item_id) -> score) pre-ranks the new tasks: higher first (see `prioritise`).
    """
    check_mode(mode)
    k = _check_int(k, "k (results pooled per config and query)", 1)
    overlap = _check_int(overlap, "overlap (raters per task)", 1)
    seed = _check_int(seed, "seed", 0)
    if isinstance(gold_rate, bool) or not isinstance(gold_rate, (int, float)) or not 0 <= gold_rate < 1:
        raise ValueError(f"gold_rate must be a fraction in [0, 1), got {gold_rate!r}")
    require_query_set(con, query_set)
    if isinstance(config_names, str) or not config_names:
        raise ValueError(f"config_names must be a non-empty list of config names, got {config_names!r}")
    names = list(dict.fromkeys(require_config_names(con, config_names)))
    n_queries = con.execute("SELECT count(*) FROM queries WHERE query_set = ?", [query_set]).fetchone()[0]
    if n_queries == 0:
        raise EmptyQuerySetError(
            f"query set {query_set!r} has no queries; add queries with add_queries([...]) and record runs over them first"
        )
    results = latest_results_for_pool(con, names, query_set, k)
    with_runs = set(results["config_name"])
    missing = [n for n in names if n not in with_runs]
    if missing:
        raise NoRunsError(
            f"config{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))} "
            f"{'have' if len(missing) > 1 else 'has'} no results over the queries of query set {query_set!r}; "
            f"record runs with record_run(...) first (configs with results over it: {name_list(sorted(with_runs))})"
        )
    pairs = unique_pairs(results)
    gold: list[tuple[str, str]] = []
    wanted_gold = gold_count(len(pairs), gold_rate) if gold_rate > 0 else 0
    if gold_rate > 0:
        candidates = _gold_candidates(con, mode, set(pairs))
        if not candidates:
            raise ValueError(
                f"gold_rate {gold_rate} asks for gold tasks, but there are no {mode} gold answers outside this pool; "
                "add some with add_gold(query_id, item_id, expected_label, mode=...) or pass gold_rate=0"
            )
        gold = choose_varied(candidates, min(wanted_gold, len(candidates)), seed)
    entries = shuffle([(q, i, False) for q, i in pairs] + [(q, i, True) for q, i in gold], seed)
    if priority:
        entries = prioritise(entries, priority)
    pool_id = next_id(con, "pools", "pool_id")
    con.execute(
        "INSERT INTO pools VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [pool_id, query_set, json.dumps(names), mode, k, overlap, float(gold_rate), seed, now],
    )
    n_new = _store_pool_tasks(con, entries, pool_id=pool_id, mode=mode, overlap=overlap, now=now)
    return PoolReport(
        pool_id=pool_id, query_set=query_set, config_names=tuple(names), mode=mode, k=k, overlap=overlap, seed=seed,
        n_queries=int(results["query_id"].nunique()), n_pooled=len(results), n_tasks=len(pairs),
        n_new_tasks=n_new,
        n_gold=len(gold),
    )


# The tasks a rater may be handed, and the one handed next, in SQL: the rule's definition, which
# `TaskQueue` answers from memory and is tested against.
#
# open_tasks: pooled tasks of the mode this rater was never given nor judged that still want raters: fewer
#   than their overlap have judged them or hold a fresh, unskipped assignment. Gold (overlap NULL) goes to
#   every rater once. A task a model judged (`model_judgments`) is no longer offered to anyone.
# held: the rater's own open assignments (unjudged, unskipped) of the mode that still want raters when the
#   rater's own claim is not counted: served again first, so a reload or a new sign-in orphans nothing; once
#   stale (ASSIGNMENT_TTL) and filled by others, a claim is released for good.
# Then gold is mixed in at its pool's gold_rate: the first open gold task comes next when, with it, the
# rater's share of gold among the tasks of the mode they were given would not pass the rate. Gold is only
# served while an ordinary task is left, so that a rater never gets a queue of checks alone.
_RATER_TASKS = """
    WITH involvement AS (
        SELECT task_id, rater_id, true AS engaged FROM judgments
        UNION
        SELECT a.task_id, a.rater_id,
               a.assigned_at >= $fresh_since AND NOT EXISTS (
                   SELECT 1 FROM assignment_skips s WHERE s.task_id = a.task_id AND s.rater_id = a.rater_id) AS engaged
        FROM assignments a
    ),
    per_task AS (
        SELECT task_id,
               count(DISTINCT rater_id) FILTER (WHERE engaged) AS engaged,
               count(DISTINCT rater_id) FILTER (WHERE engaged AND rater_id <> $rater_id) AS engaged_others,
               bool_or(rater_id = $rater_id) AS seen
        FROM involvement GROUP BY task_id
    ),
    kept AS (SELECT pool_id, bool_or(rater_id = $rater_id) AS me FROM pool_raters GROUP BY pool_id),
    wanted AS (
        SELECT pt.task_id, bool_or(pt.overlap IS NULL) AS everyone, max(pt.overlap) AS overlap,
               max(p.gold_rate) AS gold_rate, bool_or(coalesce(k.me, true)) AS allowed
        FROM pool_tasks pt JOIN pools p USING (pool_id) LEFT JOIN kept k USING (pool_id)
        WHERE pt.task_id NOT IN (SELECT task_id FROM model_judgments)
        GROUP BY pt.task_id
    ),
    open_tasks AS (
        SELECT t.task_id, t.is_gold, w.gold_rate
        FROM tasks t
        JOIN wanted w USING (task_id)
        LEFT JOIN per_task p USING (task_id)
        WHERE t.mode = $mode AND w.allowed
          AND NOT coalesce(p.seen, false)
          AND (w.everyone OR coalesce(p.engaged, 0) < w.overlap)
    ),
    held AS (
        SELECT DISTINCT a.task_id
        FROM assignments a
        JOIN tasks t USING (task_id)
        JOIN wanted w USING (task_id)
        LEFT JOIN per_task p USING (task_id)
        WHERE a.rater_id = $rater_id AND t.mode = $mode AND w.allowed
          AND NOT EXISTS (SELECT 1 FROM judgments j WHERE j.task_id = a.task_id AND j.rater_id = a.rater_id)
          AND NOT EXISTS (SELECT 1 FROM assignment_skips s WHERE s.task_id = a.task_id AND s.rater_id = a.rater_id)
          AND (w.everyone OR coalesce(p.engaged_others, 0) < w.overlap)
    ),
    given AS (
        SELECT count(*) FILTER (WHERE NOT t.is_gold) AS ordinary, count(*) FILTER (WHERE t.is_gold) AS gold
        FROM per_task p JOIN tasks t USING (task_id)
        WHERE p.seen AND t.mode = $mode
    ),
    next_ordinary AS (SELECT min(task_id) AS task_id FROM open_tasks WHERE NOT is_gold),
    next_gold AS (SELECT task_id, gold_rate FROM open_tasks WHERE is_gold ORDER BY task_id LIMIT 1)
"""

_NEXT_TASK = _RATER_TASKS + """
    SELECT t.task_id, t.query_id, t.item_id, t.mode, t.is_gold, c.held
    FROM (
        SELECT task_id, true AS held, 0 AS step FROM held
        UNION ALL
        SELECT g.task_id, false, 1 FROM next_gold g, next_ordinary o, given
        WHERE o.task_id IS NOT NULL AND given.gold + 1 <= g.gold_rate * (given.ordinary + given.gold + 1)
        UNION ALL
        SELECT task_id, false, 2 FROM next_ordinary WHERE task_id IS NOT NULL
    ) c
    JOIN tasks t USING (task_id)
    ORDER BY c.step, t.task_id
    LIMIT 1
"""

# How many tasks the rater was never given that still want raters, and how many of them are gold.
_OPEN_TASKS = _RATER_TASKS + "SELECT count(*), count(*) FILTER (WHERE is_gold) FROM open_tasks"


def _refresh_claim(con: duckdb.DuckDBPyConnection, task_id: int, rater_id: str, now: datetime) -> None:
    """The rater's open assignment of the task counts as fresh again from `now` (it is on their screen again)."""
    con.execute("UPDATE assignments SET assigned_at = ? WHERE task_id = ? AND rater_id = ?", [now, task_id, rater_id])


def assign_next(con: duckdb.DuckDBPyConnection, rater_id: str, *, mode: str, now: datetime) -> Task | None:
    """Give the rater their open task again, or the next task that still needs judgments; None when done.

    The rule in SQL over every judgment and assignment: the definition `assign_next_queued` is tested against.
    """
    check_mode(mode)
    require_rater(con, rater_id)
    if is_removed(con, rater_id):
        raise removed_error(rater_id)
    row = con.execute(
        _NEXT_TASK, {"rater_id": rater_id, "mode": mode, "fresh_since": now - ASSIGNMENT_TTL}
    ).fetchone()
    if row is None:
        return None
    task, held = Task(*row[:5]), row[5]
    if held:
        _refresh_claim(con, task.task_id, rater_id, now)
    else:
        con.execute(
            "INSERT INTO assignments VALUES (?, ?, ?, ?)",
            [next_id(con, "assignments", "assignment_id"), task.task_id, rater_id, now],
        )
    return task


def skip_task(con: duckdb.DuckDBPyConnection, task_id: int, rater_id: str, *, now: datetime) -> bool:
    """Record that the rater put their open task aside; False (nothing written) when they hold no open assignment of it."""
    open_row = con.execute(
        """
        SELECT 1 FROM assignments a
        WHERE a.task_id = ? AND a.rater_id = ?
          AND NOT EXISTS (SELECT 1 FROM judgments j WHERE j.task_id = a.task_id AND j.rater_id = a.rater_id)
          AND NOT EXISTS (SELECT 1 FROM assignment_skips s WHERE s.task_id = a.task_id AND s.rater_id = a.rater_id)
        """,
        [task_id, rater_id],
    ).fetchone()
    if open_row is None:
        return False
    con.execute("INSERT INTO assignment_skips VALUES (?, ?, ?)", [task_id, rater_id, now])
    return True


def check_active_queued(con: duckdb.DuckDBPyConnection, queue: TaskQueue, rater_id: str) -> None:
    """The rater exists and was not removed (RaterRemovedError), asked of the in-memory queue."""
    if not isinstance(rater_id, str) or rater_id not in queue.raters:
        require_rater(con, rater_id)  # raises, naming the known ids; else a rater added since the queue was loaded
        queue.raters.add(rater_id)
    if rater_id in queue.removed:
        raise removed_error(rater_id)


def assign_next_queued(
    con: duckdb.DuckDBPyConnection, queue: TaskQueue, rater_id: str, *, mode: str, now: datetime
) -> Task | None:
    """`assign_next` deciding from the in-memory queue (the caller's transaction keeps both in step); one INSERT."""
    check_mode(mode)
    check_active_queued(con, queue, rater_id)
    task, held = queue.next_task(rater_id, mode, now - ASSIGNMENT_TTL)
    if task is None:
        return None
    if held:
        _refresh_claim(con, task.task_id, rater_id, now)
        queue.refreshed(task.task_id, rater_id, now)
        return task
    assignment_id = queue.next_assignment_id
    con.execute("INSERT INTO assignments VALUES (?, ?, ?, ?)", [assignment_id, task.task_id, rater_id, now])
    queue.assigned(task.task_id, rater_id, now, assignment_id)
    return task


def skip_task_queued(con: duckdb.DuckDBPyConnection, queue: TaskQueue, task_id: int, rater_id: str, *, now: datetime) -> bool:
    """`skip_task` deciding from the in-memory queue; one INSERT when the rater holds the task open."""
    if not queue.holds_open(task_id, rater_id):
        return False
    con.execute("INSERT INTO assignment_skips VALUES (?, ?, ?)", [task_id, rater_id, now])
    queue.skipped(task_id, rater_id)
    return True


def put_aside_queued(con: duckdb.DuckDBPyConnection, queue: TaskQueue, task_ids: Sequence[int], rater_id: str, *,
                     now: datetime) -> int:
    """Skip each task for the rater (a Precision@10 page: the tasks beside the one assigned were never given). A
    task they hold open is skipped; one never given is given and skipped in the same write, so that it is never
    served to them; one they judged or skipped already is left alone. Returns how many were put aside."""
    done = 0
    for task_id in dict.fromkeys(int(t) for t in task_ids):
        select_task(con, task_id)  # an unknown id is an error naming it
        if not queue.holds_open(task_id, rater_id):
            if task_id in queue.seen.get(rater_id, ()):
                continue
            assignment_id = queue.next_assignment_id
            con.execute("INSERT INTO assignments VALUES (?, ?, ?, ?)", [assignment_id, task_id, rater_id, now])
            queue.assigned(task_id, rater_id, now, assignment_id)
        done += skip_task_queued(con, queue, task_id, rater_id, now=now)
    return done


def select_task(con: duckdb.DuckDBPyConnection, task_id: object) -> Task:
    """The task with this id, or an error naming it and the range of known ids."""
    row = None
    if isinstance(task_id, numbers.Integral) and not isinstance(task_id, bool):
        row = con.execute(
            "SELECT task_id, query_id, item_id, mode, is_gold FROM tasks WHERE task_id = ?", [int(task_id)]
        ).fetchone()
    if row is None:
        low, high, n = con.execute("SELECT min(task_id), max(task_id), count(*) FROM tasks").fetchone()
        known = f"known task ids are {n} integers from {low} to {high}" if n else "the store has no tasks yet"
        raise UnknownNameError(
            f"unknown task id {task_id!r}; {known}. Tasks come from build_task_pool(...) and are handed out by assign_next(...)"
        )
    return Task(*row)


POOL_PROGRESS_COLUMNS = (
    "pool_id", "query_set", "config_names", "mode", "k", "overlap", "gold_rate", "created_at",
    "tasks",  # regular tasks in the pool
    "tasks_done",  # of which judged by at least the pool's overlap of distinct raters
    "judgments",  # distinct (task, rater) judgments of its regular tasks, each task counted up to the overlap
    "judgments_wanted",  # tasks x overlap
    "gold_tasks",  # gold tasks mixed in (each goes to every rater once, so they have no "wanted")
    "raters",  # the rater ids the pool is kept to, comma-separated; "" when it is open to every rater
    "model_tasks",  # regular tasks a model judged (labels.model_judgments): out of the human queue
)

# A task shared with an earlier pool counts its judgments in both (tasks, and so judgments, are reused).
_POOL_PROGRESS = """
    WITH judges AS (SELECT task_id, count(DISTINCT rater_id) AS n FROM judgments GROUP BY task_id)
    SELECT p.pool_id, p.query_set, p.config_names, p.mode, p.k, p.overlap, p.gold_rate, p.created_at,
           count(pt.task_id) FILTER (WHERE pt.overlap IS NOT NULL) AS tasks,
           count(pt.task_id) FILTER (WHERE pt.overlap IS NOT NULL AND coalesce(j.n, 0) >= pt.overlap) AS tasks_done,
           coalesce(sum(least(coalesce(j.n, 0), pt.overlap)) FILTER (WHERE pt.overlap IS NOT NULL), 0) AS judgments,
           coalesce(sum(pt.overlap), 0) AS judgments_wanted,
           count(pt.task_id) FILTER (WHERE pt.overlap IS NULL) AS gold_tasks,
           count(pt.task_id) FILTER (WHERE pt.overlap IS NOT NULL AND m.task_id IS NOT NULL) AS model_tasks
    FROM pools p
    LEFT JOIN pool_tasks pt USING (pool_id)
    LEFT JOIN judges j USING (task_id)
    LEFT JOIN (SELECT DISTINCT task_id FROM model_judgments) m USING (task_id)
    GROUP BY ALL
    ORDER BY p.pool_id
"""


def pool_progress_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every pool with its settings and how far its raters are: the columns of POOL_PROGRESS_COLUMNS."""
    frame = con.execute(_POOL_PROGRESS).df()
    frame["config_names"] = [", ".join(json.loads(names)) for names in frame["config_names"]]
    kept = dict(con.execute("SELECT pool_id, string_agg(rater_id, ', ' ORDER BY rater_id) FROM pool_raters "
                            "GROUP BY pool_id").fetchall())
    frame["raters"] = [kept.get(int(pool_id), "") for pool_id in frame["pool_id"]]
    for column in ("tasks", "tasks_done", "judgments", "judgments_wanted", "gold_tasks", "model_tasks"):
        frame[column] = frame[column].astype("int64")
    return frame[list(POOL_PROGRESS_COLUMNS)]


def keep_pool_to(con: duckdb.DuckDBPyConnection, pool_id: int, rater_ids: list[str]) -> list[str]:
    """Offer the pool's tasks only to `rater_ids` (every one must exist); an empty list opens it to every rater.
    Returns the ids kept to, sorted."""
    pool_id = _check_int(pool_id, "pool_id", 1)
    if con.execute("SELECT 1 FROM pools WHERE pool_id = ?", [pool_id]).fetchone() is None:
        known = [r[0] for r in con.execute("SELECT pool_id FROM pools ORDER BY pool_id").fetchall()]
        raise UnknownNameError(f"no task pool {pool_id}; the pools are {known or 'none yet (build one first)'}")
    ids = sorted({str(r).strip() for r in rater_ids})
    for rater_id in ids:
        require_rater(con, rater_id)
    con.execute("DELETE FROM pool_raters WHERE pool_id = ?", [pool_id])
    for rater_id in ids:
        con.execute("INSERT INTO pool_raters VALUES (?, ?)", [pool_id, rater_id])
    return ids
