"""Labels a model gave as its own judge (`model:<name>`), stored apart from the people's judgments.

A model judge is no rater: it has no row in `raters`, so nobody can sign in as it, and the `model:` prefix is
reserved, so no person can be registered under such an id. Its labels live in `model_judgments`; every reader of
the people's judgments leaves them out unless asked for them by name (`include_model`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from labels.dataframes import query_frame
from labels.errors import UnknownNameError, name_list
from labels.frames import JUDGMENT_COLUMNS
from labels.raters import MODEL_PREFIX
from labels.runs import next_id

POOL_PAIR_COLUMNS = ("task_id", "query_id", "item_id", "overlap", "human_judges", "model_label")


def model_judge_id(name: str) -> str:
    """The judge id of a model: `model:relevance`."""
    if not isinstance(name, str) or not name.strip() or name != name.strip():
        raise ValueError(f"a model judge needs a name such as 'relevance', got {name!r}")
    return f"{MODEL_PREFIX}{name}"


def is_model_judge(rater_id: object) -> bool:
    """Whether an id names a model judge rather than a person."""
    return isinstance(rater_id, str) and rater_id.startswith(MODEL_PREFIX)


@dataclass(frozen=True)
class ModelLabel:
    """One label the model gives a task."""

    task_id: int
    label: int  # 0..4
    confidence: float  # the calibrated probability of the label


@dataclass(frozen=True)
class ModelWrite:
    """What `insert_model_judgments` did."""

    written: int  # new rows (tasks the model had not judged, or judged otherwise before)
    unchanged: int  # tasks whose latest label by this judge and checkpoint was already the same


def pool_pairs(con: duckdb.DuckDBPyConnection, pool_id: int, judge: str) -> pd.DataFrame:
    """The regular graded tasks of a pool (POOL_PAIR_COLUMNS): the overlap it wants, how many people judged each,
    and the judge's latest label (NULL: not judged by it)."""
    row = con.execute("SELECT mode FROM pools WHERE pool_id = ?", [int(pool_id)]).fetchone()
    if row is None:
        known = [r[0] for r in con.execute("SELECT pool_id FROM pools ORDER BY pool_id").fetchall()]
        raise UnknownNameError(f"unknown pool id {pool_id!r}; known pool ids are {name_list(known)} "
                               "(the Admin page or `build_task_pool` makes pools)")
    if row[0] != "graded":
        raise ValueError(f"pool {pool_id} holds {row[0]} tasks; the relevance model judges graded (0-4) pools only")
    return query_frame(
        con,
        """
        SELECT t.task_id, t.query_id, t.item_id, pt.overlap::BIGINT AS overlap,
               (SELECT count(DISTINCT j.rater_id) FROM judgments j WHERE j.task_id = t.task_id)::BIGINT AS human_judges,
               (SELECT m.label::BIGINT FROM latest_model_judgments m
                WHERE m.task_id = t.task_id AND m.judge = $judge) AS model_label
        FROM pool_tasks pt JOIN tasks t USING (task_id)
        WHERE pt.pool_id = $pool_id AND NOT t.is_gold
        ORDER BY t.task_id
        """,
        {"pool_id": int(pool_id), "judge": judge},
    )


def insert_model_judgments(con: duckdb.DuckDBPyConnection, labels: Sequence[ModelLabel], *, judge: str,
                           threshold: float, checkpoint_sha256: str, now: datetime) -> ModelWrite:
    """Append the model's labels of graded, regular tasks; a task whose latest label by this judge and checkpoint
    is the same is left as it is (so a rerun writes nothing)."""
    if not is_model_judge(judge):
        raise ValueError(f"a model judge's id starts with {MODEL_PREFIX!r}, got {judge!r}")
    rows = []
    for entry in labels:
        if not (isinstance(entry.label, int) and 0 <= entry.label <= 4):
            raise ValueError(f"task {entry.task_id}: model label {entry.label!r} is off the graded scale 0..4")
        if not (math.isfinite(entry.confidence) and 0.0 <= entry.confidence <= 1.0):
            raise ValueError(f"task {entry.task_id}: confidence {entry.confidence!r} is not a probability")
        rows.append(entry)
    ids = [int(r.task_id) for r in rows]
    tasks = dict(con.execute("SELECT task_id, mode = 'graded' AND NOT is_gold FROM tasks WHERE task_id IN "
                             "(SELECT unnest($ids))", {"ids": ids}).fetchall()) if ids else {}
    bad = [t for t in ids if not tasks.get(t)]
    if bad:
        raise UnknownNameError(f"the model can only judge pooled graded tasks that are not gold; task ids "
                               f"{name_list(bad, 5)} are unknown, binary or gold")
    latest = {int(t): (int(label), sha) for t, label, sha in con.execute(
        "SELECT task_id, label, checkpoint_sha256 FROM latest_model_judgments WHERE judge = ?", [judge]).fetchall()}
    fresh = [r for r in rows if latest.get(int(r.task_id)) != (int(r.label), checkpoint_sha256)]
    base = next_id(con, "model_judgments", "model_judgment_id")
    if fresh:
        con.executemany("INSERT INTO model_judgments VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [[base + n, int(r.task_id), judge, int(r.label), float(r.confidence), float(threshold),
                          checkpoint_sha256, now] for n, r in enumerate(fresh)])
    return ModelWrite(len(fresh), len(rows) - len(fresh))


def model_judgments_frame(con: duckdb.DuckDBPyConnection, *, mode: str | None, query_set: str | None) -> pd.DataFrame:
    """The model judges' latest labels in the people's frame's columns (JUDGMENT_COLUMNS): rater_id is the judge
    (`model:...`), simulated false, seconds 0, no comment, never gold."""
    return query_frame(
        con,
        """
        SELECT t.query_id, q.query_type, t.item_id, m.judge AS rater_id, false AS simulated, t.mode,
               m.label::BIGINT AS label, 0.0::DOUBLE AS seconds_spent, m.judged_at, NULL::VARCHAR AS comment,
               false AS gold
        FROM latest_model_judgments m
        JOIN tasks t USING (task_id)
        JOIN queries q ON q.query_id = t.query_id
        WHERE ($mode IS NULL OR t.mode = $mode) AND ($query_set IS NULL OR q.query_set = $query_set)
        ORDER BY t.query_id, t.item_id, m.judge
        """,
        {"mode": mode, "query_set": query_set},
    )[list(JUDGMENT_COLUMNS)]
