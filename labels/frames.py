"""Reads for the metrics side: latest judgments and gold checks as pandas DataFrames."""

from __future__ import annotations

import duckdb
import pandas as pd

from labels.dataframes import query_frame
from labels.queries import require_query_set
from labels.scales import check_mode

JUDGMENT_COLUMNS = ("query_id", "query_type", "item_id", "rater_id", "simulated", "mode", "label", "seconds_spent",
                    "judged_at", "comment", "gold")
GOLD_COLUMNS = ("rater_id", "task_id", "query_id", "item_id", "mode", "label", "expected_label")


def judgments_frame(
    con: duckdb.DuckDBPyConnection, *, include_simulated: bool, mode: str | None, query_set: str | None,
    include_gold: bool = False,
) -> pd.DataFrame:
    """The latest judgment per (task, rater), one row each (JUDGMENT_COLUMNS); gold tasks only if include_gold."""
    if mode is not None:
        check_mode(mode)
    if query_set is not None:
        require_query_set(con, query_set)
    return query_frame(
        con,
        """
        SELECT t.query_id, q.query_type, t.item_id, j.rater_id, r.simulated, j.mode,
               j.label::BIGINT AS label, j.seconds_spent, j.judged_at, j.comment, t.is_gold AS gold
        FROM latest_judgments j
        JOIN tasks t USING (task_id)
        JOIN queries q ON q.query_id = t.query_id
        JOIN raters r ON r.rater_id = j.rater_id
        WHERE ($include_gold OR NOT t.is_gold)
          AND ($include_simulated OR NOT r.simulated)
          AND ($mode IS NULL OR j.mode = $mode)
          AND ($query_set IS NULL OR q.query_set = $query_set)
        ORDER BY t.query_id, t.item_id, j.mode, j.rater_id
        """,
        {"include_simulated": bool(include_simulated), "mode": mode, "query_set": query_set,
         "include_gold": bool(include_gold)},
    )


def gold_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The latest judgment of each gold task per rater, with the expected label (GOLD_COLUMNS)."""
    return query_frame(
        con,
        """
        SELECT j.rater_id, j.task_id, t.query_id, t.item_id, t.mode,
               j.label::BIGINT AS label, g.expected_label::BIGINT AS expected_label
        FROM latest_judgments j
        JOIN tasks t USING (task_id)
        JOIN gold_answers g ON g.query_id = t.query_id AND g.item_id = t.item_id AND g.mode = t.mode
        WHERE t.is_gold
        ORDER BY j.rater_id, j.task_id
        """
    )
