"""Importing existing relevance labels (TREC-style qrels) as judgments of a pseudo-rater `qrels:<source>`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import duckdb
import pyarrow as pa

from labels.dataframes import query_frame
from labels.errors import LabelOutOfRangeError, QrelsOverlapError, name_list
from labels.judgments import insert_judgments_bulk
from labels.queries import insert_query_set
from labels.raters import insert_rater
from labels.runs import next_id
from labels.scales import check_label, check_mode
from labels.staging import staged


def qrels_rater_id(source: str) -> str:
    """The pseudo-rater that holds the labels imported from `source`."""
    return f"qrels:{source}"


def _check_rows(rows: Iterable[tuple[str, str, int]], mode: str) -> list[tuple[str, str, int]]:
    checked = []
    for number, row in enumerate(rows, start=1):
        try:
            query_id, item_id, label = row
        except (TypeError, ValueError):
            raise ValueError(f"qrels row {number}: expected (query_id, item_id, label), got {row!r}") from None
        if not isinstance(query_id, str) or not query_id or not isinstance(item_id, str) or not item_id:
            raise ValueError(f"qrels row {number}: query_id and item_id must be non-empty strings, got {query_id!r}, {item_id!r}")
        if "\x00" in query_id or "\x00" in item_id:
            raise ValueError(f"qrels row {number}: the id {query_id!r} / {item_id!r} holds a NUL character; remove it")
        try:
            label = check_label(label, mode)
        except LabelOutOfRangeError as exc:
            raise LabelOutOfRangeError(f"qrels row {number} ({query_id!r}, {item_id!r}): {exc}") from None
        checked.append((query_id, item_id, label))
    return checked


def _check_apart(con: duckdb.DuckDBPyConnection, checked: list[tuple[str, str, int]], source: str) -> None:
    """Refuse labels for queries of another query set: they would silently change that set's metrics."""
    ids = sorted({r[0] for r in checked})
    owned = con.execute(
        "SELECT query_set, list(query_id ORDER BY query_id) FROM queries "
        "WHERE query_id IN (SELECT unnest($ids)) AND query_set <> $source GROUP BY query_set ORDER BY query_set",
        {"ids": ids, "source": source},
    ).fetchall()
    if owned:
        sets = "; ".join(f"query set {name!r}: {name_list(qids, 5)}" for name, qids in owned)
        raise QrelsOverlapError(
            f"the qrels {source!r} label queries that belong to other query sets ({sets}); importing them would add "
            "these labels to those sets' judgments and change their `eval report`. Import with --merge (merge=True) "
            "to add them on purpose, or give the qrels' queries ids of their own")


def import_qrels(
    con: duckdb.DuckDBPyConnection, rows: Iterable[tuple[str, str, int]], *, source: str, mode: str, now: datetime,
    merge: bool = False,
) -> int:
    """Store (query_id, item_id, label) rows as judgments; unknown queries are created (type "text") in query set `source`.

    Queries of another query set are refused (QrelsOverlapError) unless `merge`: imported labels stay apart
    from a benchmark's own judgments unless the user merges them explicitly.
    """
    check_mode(mode)
    if not isinstance(source, str) or not source.strip():
        raise ValueError(f"a qrels source must be a non-empty name, got {source!r}")
    checked = _check_rows(rows, mode)
    if not checked:
        return 0
    if not merge:
        _check_apart(con, checked, source)
    rater_id = qrels_rater_id(source)
    insert_rater(con, rater_id, rater_id, role="rater", password=None, simulated=False, exist_ok=True, now=now)
    insert_query_set(con, source, f"queries imported with the qrels {source!r}", exist_ok=True, now=now)
    table = pa.table({
        "position": pa.array(range(len(checked)), pa.int64()),
        "query_id": pa.array([r[0] for r in checked], pa.string()),
        "item_id": pa.array([r[1] for r in checked], pa.string()),
        "label": pa.array([r[2] for r in checked], pa.int64()),
    })
    with staged(con, "incoming_qrels", table):
        con.execute(
            """
            INSERT INTO queries
            SELECT DISTINCT query_id, $source, 'text', NULL, NULL, NULL, NULL, '{}', $now::TIMESTAMP
            FROM incoming_qrels WHERE query_id NOT IN (SELECT query_id FROM queries)
            """,
            {"source": source, "now": now},
        )
        con.execute(
            """
            INSERT INTO tasks
            SELECT $base + row_number() OVER (ORDER BY first_position) - 1, query_id, item_id, $mode, false, $now::TIMESTAMP
            FROM (SELECT query_id, item_id, min(position) AS first_position FROM incoming_qrels GROUP BY ALL) p
            WHERE NOT EXISTS (SELECT 1 FROM tasks t WHERE t.query_id = p.query_id AND t.item_id = p.item_id
                                                      AND t.mode = $mode AND NOT t.is_gold)
            """,
            {"base": next_id(con, "tasks", "task_id"), "mode": mode, "now": now},
        )
        frame = query_frame(
            con,
            """
            SELECT t.task_id, $rater_id AS rater_id, q.label, 0.0::DOUBLE AS seconds_spent
            FROM incoming_qrels q
            JOIN tasks t ON t.query_id = q.query_id AND t.item_id = q.item_id AND t.mode = $mode AND NOT t.is_gold
            ORDER BY q.position
            """,
            {"rater_id": rater_id, "mode": mode},
        )
    return insert_judgments_bulk(con, frame, now=now)
