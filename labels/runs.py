"""Pipeline configs and the runs made with them: one ranked result list per (config, query)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import datetime

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from labels.dataframes import query_frame
from labels.errors import ConflictError, UnknownNameError, name_list
from labels.queries import require_query, require_query_set
from labels.records import ConfigRecord, RunResult
from labels.staging import staged


def next_id(con: duckdb.DuckDBPyConnection, table: str, column: str) -> int:
    """The next id of `table.column`: max + 1 (called under the store's write lock, so ids follow insertion order)."""
    return int(con.execute(f"SELECT coalesce(max({column}), 0) + 1 FROM {table}").fetchone()[0])


def ensure_config(con: duckdb.DuckDBPyConnection, config: ConfigRecord, *, now: datetime) -> None:
    """Store the config if its (name, hash) is new; the same (name, hash) with other JSON is an error."""
    if not isinstance(config.name, str) or not config.name.strip():
        raise ValueError(f"a config name must be a non-empty string, got {config.name!r}")
    if not isinstance(config.config_hash, str) or not config.config_hash.strip():
        raise ValueError(f"config {config.name!r}: config_hash must be a non-empty string, got {config.config_hash!r}")
    try:
        json.loads(config.config_json)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"config {config.name!r}: config_json is not valid JSON ({exc}); pass the config's JSON text") from None
    row = con.execute(
        "SELECT config_json FROM configs WHERE name = ? AND config_hash = ?", [config.name, config.config_hash]
    ).fetchone()
    if row is None:
        con.execute("INSERT INTO configs VALUES (?, ?, ?, ?)", [config.name, config.config_hash, config.config_json, now])
    elif row[0] != config.config_json:
        raise ConflictError(
            f"config {config.name!r} with hash {config.config_hash!r} is already stored with different JSON; "
            "a config hash must identify its content: recompute the hash from the config"
        )


def select_configs(con: duckdb.DuckDBPyConnection) -> list[ConfigRecord]:
    """Every stored (name, hash) config, by name then first use."""
    rows = con.execute("SELECT name, config_hash, config_json FROM configs ORDER BY name, created_at, config_hash").fetchall()
    return [ConfigRecord(*row) for row in rows]


def require_config_names(con: duckdb.DuckDBPyConnection, names: Sequence[str]) -> list[str]:
    """The names, checked against the stored configs; an unknown one is an error listing the known ones."""
    if isinstance(names, str):
        raise ValueError(f"config names must be a list of names, got the string {names!r}; write [{names!r}]")
    known = [r[0] for r in con.execute("SELECT DISTINCT name FROM configs ORDER BY name").fetchall()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UnknownNameError(
            f"unknown config name{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"known configs are {name_list(known)}. A config is known once a run of it is recorded (record_run)"
        )
    return list(names)


def check_results(results: Sequence[RunResult], where: str) -> None:
    """Ranks distinct and >= 1, items distinct, scores and breakdown values finite numbers."""
    ranks, items = set(), set()
    for r in results:
        if isinstance(r.rank, bool) or not isinstance(r.rank, int) or r.rank < 1:
            raise ValueError(f"{where}: rank {r.rank!r} of item {r.item_id!r} must be an int >= 1 (ranks are 1-based)")
        if r.rank in ranks:
            raise ValueError(f"{where}: rank {r.rank} appears twice; each result needs its own rank")
        if not isinstance(r.item_id, str) or not r.item_id:
            raise ValueError(f"{where}: the item id at rank {r.rank} must be a non-empty string, got {r.item_id!r}")
        if r.item_id in items:
            raise ValueError(f"{where}: item {r.item_id!r} appears twice in one ranking")
        if not isinstance(r.score, (int, float)) or not math.isfinite(r.score):
            raise ValueError(f"{where}: the score of item {r.item_id!r} must be a finite number, got {r.score!r}")
        bad = {k: v for k, v in r.breakdown.items() if not isinstance(v, (int, float)) or not math.isfinite(v)}
        if bad:
            raise ValueError(f"{where}: the breakdown of item {r.item_id!r} has non-finite or non-numeric values {bad}")
        ranks.add(r.rank)
        items.add(r.item_id)


_RESULTS_ARROW = pa.schema(
    [("run_id", pa.int64()), ("rank", pa.int32()), ("item_id", pa.string()), ("score", pa.float64()), ("breakdown", pa.string())]
)


def insert_run(
    con: duckdb.DuckDBPyConnection,
    config: ConfigRecord,
    query_id: str,
    results: Sequence[RunResult],
    *,
    model_version: str,
    index_version: str,
    now: datetime,
) -> int:
    """Store one run and its results; returns the new run id."""
    where = f"run of config {getattr(config, 'name', config)!r} on query {query_id!r}"
    for value, what in ((model_version, "model_version"), (index_version, "index_version")):
        if not isinstance(value, str):
            raise ValueError(f"{where}: {what} must be a string, got {value!r}")
    require_query(con, query_id)
    results = list(results)
    check_results(results, where)
    ensure_config(con, config, now=now)
    run_id = next_id(con, "runs", "run_id")
    con.execute(
        "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?)",
        [run_id, config.name, config.config_hash, query_id, now, model_version, index_version],
    )
    if results:
        rows = pa.Table.from_pydict(
            {
                "run_id": [run_id] * len(results),
                "rank": [r.rank for r in results],
                "item_id": [r.item_id for r in results],
                "score": [float(r.score) for r in results],
                "breakdown": [json.dumps({k: float(v) for k, v in r.breakdown.items()}, sort_keys=True) for r in results],
            },
            schema=_RESULTS_ARROW,
        )
        with staged(con, "incoming_results", rows):
            con.execute("INSERT INTO run_results SELECT * FROM incoming_results")
    return run_id


# The latest run per (config name, query): the newest run id wins.
_LATEST_RUNS = """
    SELECT * FROM runs
    QUALIFY row_number() OVER (PARTITION BY config_name, query_id ORDER BY run_id DESC) = 1
"""


def run_results_frame(
    con: duckdb.DuckDBPyConnection, config_names: Sequence[str] | None, query_set: str | None
) -> pd.DataFrame:
    """The latest run's results per (config name, query), ranked, optionally narrowed to configs / a query set."""
    if config_names is not None:
        require_config_names(con, config_names)
    if query_set is not None:
        require_query_set(con, query_set)
    return query_frame(
        con,
        f"""
        SELECT r.config_name, r.config_hash, r.run_id, r.query_id, q.query_type, rr.item_id,
               rr.rank::BIGINT AS rank, rr.score
        FROM ({_LATEST_RUNS}) r
        JOIN run_results rr USING (run_id)
        JOIN queries q USING (query_id)
        WHERE ($names IS NULL OR list_contains($names, r.config_name))
          AND ($query_set IS NULL OR q.query_set = $query_set)
        ORDER BY r.config_name, r.query_id, rr.rank
        """,
        {"names": list(config_names) if config_names is not None else None, "query_set": query_set},
    )


def latest_results_for_pool(
    con: duckdb.DuckDBPyConnection, config_names: Sequence[str], query_set: str, k: int
) -> pd.DataFrame:
    """(config_name, query_id, item_id, rank) of the top k of each config's latest run per query of the set."""
    return query_frame(
        con,
        f"""
        SELECT r.config_name, r.query_id, rr.item_id, rr.rank
        FROM ({_LATEST_RUNS}) r
        JOIN run_results rr USING (run_id)
        JOIN queries q USING (query_id)
        WHERE list_contains($names, r.config_name) AND q.query_set = $query_set
        QUALIFY row_number() OVER (PARTITION BY r.run_id ORDER BY rr.rank) <= $k
        ORDER BY r.config_name, r.query_id, rr.rank
        """,
        {"names": list(config_names), "query_set": query_set, "k": k},
    )


# ---- a whole run file at once (import-run) ---------------------------------------------------------------------

_RUN_ROWS = pa.schema([("run_id", pa.int64()), ("config_name", pa.string()), ("config_hash", pa.string()),
                       ("query_id", pa.string()), ("run_at", pa.timestamp("us")), ("model_version", pa.string()),
                       ("index_version", pa.string())])


def check_run_frame(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    """query_id, item_id, rank, score checked as `check_results` checks one ranking, for every query at once."""
    missing = [c for c in ("query_id", "item_id", "rank", "score") if c not in frame.columns]
    if missing:
        raise ValueError(f"{where}: the results lack the columns {missing}; give query_id, item_id, rank, score")
    frame = frame[["query_id", "item_id", "rank", "score"]].reset_index(drop=True)
    ids = frame["item_id"].astype(str)
    if (ids.str.len() == 0).any() or frame["item_id"].isna().any():
        raise ValueError(f"{where}: an item id is empty; every result needs one")
    ranks = pd.to_numeric(frame["rank"], errors="coerce")
    bad_rank = ranks.isna() | (ranks < 1) | (ranks != ranks.round())
    if bad_rank.any():
        row = frame[bad_rank].iloc[0]
        raise ValueError(f"{where}: rank {row['rank']!r} of item {row['item_id']!r} on query {row['query_id']!r} must "
                         "be a whole number >= 1 (ranks are 1-based)")
    scores = pd.to_numeric(frame["score"], errors="coerce").astype(float)
    if not np.isfinite(scores.to_numpy()).all():
        row = frame[~np.isfinite(scores.to_numpy())].iloc[0]
        raise ValueError(f"{where}: the score of item {row['item_id']!r} on query {row['query_id']!r} must be a "
                         f"finite number, got {row['score']!r}")
    for columns, what in ((["query_id", "rank"], "rank"), (["query_id", "item_id"], "item")):
        twice = frame.duplicated(columns)
        if twice.any():
            row = frame[twice].iloc[0]
            raise ValueError(f"{where}: {what} {row[columns[1]]!r} appears twice in the ranking of query "
                             f"{row['query_id']!r}; each needs its own")
    return frame.assign(item_id=ids, rank=ranks.astype(np.int64), score=scores)


def replace_config_runs(
    con: duckdb.DuckDBPyConnection,
    config: ConfigRecord,
    results: pd.DataFrame,
    *,
    query_sets: Sequence[str],
    model_version: str,
    index_version: str,
    now: datetime,
) -> tuple[int, list[str]]:
    """Store one run per query of `results` as the latest runs of `config` (one transaction, set-based).

    Queries of `query_sets` whose latest run of this config name is not in `results` get an empty run, so the
    earlier results no longer count (DuckDB cannot delete rows that a foreign key still points at within a
    transaction; the old rows stay, superseded). Returns (runs stored, queries whose earlier results were
    withdrawn)."""
    where = f"runs of config {config.name!r}"
    frame = check_run_frame(results, where)
    for name in query_sets:
        require_query_set(con, name)
    queries = [str(q) for q in pd.unique(frame["query_id"])]  # in first-seen order
    if not queries:
        raise ValueError(f"{where}: no results to store; the run holds no query the store knows")
    with staged(con, "incoming_queries", pa.table({"query_id": queries})):
        unknown = [r[0] for r in con.execute(
            "SELECT i.query_id FROM incoming_queries i ANTI JOIN queries q USING (query_id) LIMIT 3").fetchall()]
    if unknown:
        raise UnknownNameError(f"{where}: unknown query ids {', '.join(map(repr, unknown))}; add the queries first")
    ensure_config(con, config, now=now)
    withdrawn = [r[0] for r in con.execute(
        f"""SELECT r.query_id FROM ({_LATEST_RUNS}) r JOIN queries q USING (query_id)
            WHERE r.config_name = $name AND list_contains($sets, q.query_set)
              AND NOT list_contains($kept, r.query_id)
              AND EXISTS (SELECT 1 FROM run_results rr WHERE rr.run_id = r.run_id)
            ORDER BY r.query_id""",
        {"name": config.name, "sets": list(query_sets), "kept": queries}).fetchall()]
    first = next_id(con, "runs", "run_id")
    run_of = {q: first + n for n, q in enumerate([*queries, *withdrawn])}
    runs = pa.Table.from_pydict(
        {"run_id": list(run_of.values()), "config_name": [config.name] * len(run_of),
         "config_hash": [config.config_hash] * len(run_of), "query_id": list(run_of),
         "run_at": [now] * len(run_of), "model_version": [model_version] * len(run_of),
         "index_version": [index_version] * len(run_of)}, schema=_RUN_ROWS)
    with staged(con, "incoming_runs", runs):
        con.execute("INSERT INTO runs SELECT * FROM incoming_runs")
    rows = pa.Table.from_pydict(
        {"run_id": frame["query_id"].map(run_of).to_numpy(np.int64), "rank": frame["rank"].to_numpy(np.int32),
         "item_id": frame["item_id"].tolist(), "score": frame["score"].to_numpy(np.float64),
         "breakdown": ["{}"] * len(frame)}, schema=_RESULTS_ARROW)
    with staged(con, "incoming_results", rows):
        con.execute("INSERT INTO run_results SELECT * FROM incoming_results")
    return len(queries), withdrawn
