"""Runs and grades as padded per-query arrays: the one input every measure kernel takes."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class RankedGrades:
    """A batch of queries: retrieved grades in rank order and all judged grades, NaN-padded."""

    query_ids: np.ndarray  # (Q,) the queries, in row order of the arrays below
    retrieved: np.ndarray  # (Q, D) float: grade of the document at rank d+1; NaN if unjudged or past the run's end
    lengths: np.ndarray  # (Q,) int: how many documents each query's run retrieved
    judged: np.ndarray  # (Q, J) float: grades of every judged document of the query, descending, NaN-padded

    def __post_init__(self):
        q = len(self.query_ids)
        if self.retrieved.ndim != 2 or self.judged.ndim != 2 or self.retrieved.shape[0] != q \
                or self.judged.shape[0] != q or self.lengths.shape != (q,):
            raise ValueError(
                f"RankedGrades arrays disagree on the number of queries ({q}): retrieved "
                f"{self.retrieved.shape}, judged {self.judged.shape}, lengths {self.lengths.shape}"
            )


@lru_cache(maxsize=8)
def _discounts(depth: int) -> np.ndarray:
    # math.log2 is C's log2, as trec_eval uses; NumPy's vectorised log2 may differ in the last bit.
    values = np.array([math.log2(rank + 1) for rank in range(1, depth + 1)], dtype=np.float64)
    values.flags.writeable = False
    return values


def discounts(depth: int) -> np.ndarray:
    """log2(rank + 1) for ranks 1..depth, bit-identical to trec_eval's."""
    return _discounts(int(depth))


def _codes(values: pd.Series, categories: pd.Index) -> np.ndarray:
    """Position of each value in `categories` (-1 if absent), factorizing first: converting a long
    Arrow-backed string column to Python objects would cost more than everything else here."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    where = categories.get_indexer(pd.Index(uniques).astype(object))
    return np.where(codes >= 0, where[np.maximum(codes, 0)] if len(where) else -1, -1)


def _pad(rows: np.ndarray, cols: np.ndarray, values: np.ndarray, n_rows: int) -> np.ndarray:
    width = int(cols.max()) + 1 if len(cols) else 0
    out = np.full((n_rows, width), np.nan)
    out[rows, cols] = values
    return out


def _positions(group_codes: np.ndarray) -> np.ndarray:
    """0-based position of each row within its run of equal (already sorted) group codes."""
    n = len(group_codes)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, group_codes[1:] != group_codes[:-1]])
    lengths = np.diff(np.r_[starts, n])
    return np.arange(n) - np.repeat(starts, lengths)


def rank_grades(run: pd.DataFrame, grades: pd.DataFrame, query_ids=None) -> RankedGrades:
    """Join a run (query_id, item_id, rank) to grades (query_id, item_id, grade) as padded arrays.

    Rank only orders a query's documents (gaps are fine); `query_ids` fixes the queries and their
    order (default: the run's queries, sorted). A query of `query_ids` absent from the run retrieved
    nothing; one absent from `grades` has no judged documents.
    """
    for name, frame, columns in (("run", run, ("query_id", "item_id", "rank")),
                                 ("grades", grades, ("query_id", "item_id", "grade"))):
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise ValueError(f"{name} frame lacks the columns {missing}; it has {list(frame.columns)}")
    query_col = run["query_id"].astype(str)
    queries = pd.Index(sorted(pd.unique(query_col)) if query_ids is None else [str(q) for q in query_ids], dtype=object)
    if queries.has_duplicates:
        raise ValueError("query_ids holds duplicates; pass each query once")
    n = len(queries)

    run_q = _codes(query_col, queries)
    grade_q = _codes(grades["query_id"].astype(str), queries)
    # One integer key per (query, item): factorize the items of both sides together.
    items = pd.concat([run["item_id"].astype(str), grades["item_id"].astype(str)], ignore_index=True)
    item_codes, _ = pd.factorize(items)
    run_i, grade_i = item_codes[: len(run)], item_codes[len(run):]
    n_items = int(item_codes.max()) + 1 if len(item_codes) else 1

    keep = run_q >= 0
    order = np.lexsort((run["rank"].to_numpy()[keep], run_q[keep]))
    run_rows = np.flatnonzero(keep)[order]  # rows of `run`, by query then rank
    run_q = run_q[run_rows]
    grade_rows = np.flatnonzero(grade_q >= 0)
    grade_q = grade_q[grade_rows]
    grade_values = grades["grade"].to_numpy(dtype=np.float64)[grade_rows]

    run_key = run_q.astype(np.int64) * n_items + run_i[run_rows]
    grade_key = grade_q.astype(np.int64) * n_items + grade_i[grade_rows]
    key_order = np.argsort(grade_key, kind="stable")
    sorted_keys = grade_key[key_order]
    if len(sorted_keys) > 1 and np.any(sorted_keys[1:] == sorted_keys[:-1]):
        dup = grade_rows[key_order[np.flatnonzero(sorted_keys[1:] == sorted_keys[:-1])[0]]]
        raise ValueError(
            f"grades hold more than one grade for query {grades['query_id'].iloc[dup]!r}, item "
            f"{grades['item_id'].iloc[dup]!r}; aggregate the raters first (eval.aggregate_judgments)"
        )
    if len(run_key) > 1:
        pair = np.sort(run_key)
        if np.any(pair[1:] == pair[:-1]):
            dup_key = pair[1:][pair[1:] == pair[:-1]][0]
            q = queries[int(dup_key // n_items)]
            raise ValueError(f"run retrieves an item twice for query {q!r}; each item may appear once per query")
    where = np.searchsorted(sorted_keys, run_key)
    where = np.minimum(where, max(len(sorted_keys) - 1, 0))
    found = (sorted_keys[where] == run_key) if len(sorted_keys) else np.zeros(len(run_key), dtype=bool)
    run_grade = np.full(len(run_key), np.nan)
    run_grade[found] = grade_values[key_order[where[found]]]

    run_pos = _positions(run_q)
    retrieved = _pad(run_q, run_pos, run_grade, n)
    lengths = np.bincount(run_q, minlength=n).astype(np.int64)

    judged_order = np.lexsort((-grade_values, grade_q))
    jq = grade_q[judged_order]
    judged = _pad(jq, _positions(jq), grade_values[judged_order], n)
    return RankedGrades(query_ids=queries.to_numpy(dtype=object), retrieved=retrieved, lengths=lengths, judged=judged)
