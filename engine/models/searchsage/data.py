"""Training pairs from the search log, split by time: query-item (saves, long clicks), query-query (refinements).

The last `held_out_fraction` of searches by timestamp is the evaluation window; everything the model
or the enriched text learns from (pairs, engaged queries) comes from before it, so nothing leaks.
The compatibility task reuses the query-item pairs, against the items' frozen image vectors.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SEARCH_COLUMNS = ("search_id", "session_id", "ts", "query", "intent", "refined_from")
IMPRESSION_COLUMNS = ("search_id", "position", "item_id", "clicked", "long_click", "saved")
TOP_QUERIES = 5  # engaged queries per item in its enriched text, as engine/index/engagement.py keeps


class SearchLogError(ValueError):
    """A search log that is missing, malformed, or has nothing to train or evaluate on."""


@dataclass(frozen=True)
class SearchLog:
    searches: pd.DataFrame  # SEARCH_COLUMNS, sorted by (ts, search_id)
    impressions: pd.DataFrame  # IMPRESSION_COLUMNS


@dataclass(frozen=True)
class PairSet:
    train_qi: list[tuple[str, str]]  # (query, item_id) from the training window, capped per item
    train_qq: list[tuple[str, str]]  # (query, refined query) from the training window
    held_out_qi: list[tuple[str, str]]  # distinct (query, item_id) engagements of the held-out window
    engaged_queries: dict[str, tuple[str, ...]]  # item_id -> its top training-window queries, most first
    cutoff: str  # ISO timestamp: searches at or after it are held out


def load_search_log(folder: Path) -> SearchLog:
    """`searches.parquet` and `impressions.parquet` of a folder, their columns checked."""
    folder = Path(folder)
    frames = []
    for name, columns in (("searches", SEARCH_COLUMNS), ("impressions", IMPRESSION_COLUMNS)):
        path = folder / f"{name}.parquet"
        if not path.is_file():
            raise SearchLogError(f"{path} is missing; pass --search-log a folder with searches.parquet and "
                                 "impressions.parquet (the sample writes them to CATALOG/search_log)")
        frame = pd.read_parquet(path)
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise SearchLogError(f"{path} lacks the columns {missing} (it has {list(frame.columns)}); "
                                 f"expected {list(columns)}")
        frames.append(frame)
    searches = frames[0].sort_values(["ts", "search_id"], kind="stable").reset_index(drop=True)
    return SearchLog(searches, frames[1])


def time_cutoff(searches: pd.DataFrame, held_out_fraction: float):
    """The timestamp from which the last `held_out_fraction` of searches (by ts) are held out."""
    if not 0 < held_out_fraction < 1:
        raise ValueError(f"held_out_fraction must be between 0 and 1, got {held_out_fraction}")
    if len(searches) < 2:
        raise SearchLogError(f"the search log has {len(searches)} searches; at least 2 are needed to split by time")
    ts = searches["ts"].sort_values(kind="stable").reset_index(drop=True)
    return ts.iloc[min(len(ts) - 1, int(len(ts) * (1 - held_out_fraction)))]


def engaged(log: SearchLog) -> pd.DataFrame:
    """(search_id, ts, query, item_id) of every save or long click, in time order."""
    imp = log.impressions[log.impressions["saved"] | log.impressions["long_click"]]
    rows = imp.merge(log.searches[["search_id", "ts", "query"]], on="search_id", how="inner")
    return rows.sort_values(["ts", "search_id", "position"], kind="stable")[["search_id", "ts", "query", "item_id"]]


def cap_per_item(pairs: list[tuple[str, str]], cap: int) -> list[tuple[str, str]]:
    """Keep at most `cap` pairs per item (the earliest, in the given order): popular items must not dominate."""
    if cap <= 0:
        raise ValueError(f"the pair cap per item must be positive, got {cap}")
    seen: Counter = Counter()
    kept = []
    for query, item in pairs:
        if seen[item] < cap:
            seen[item] += 1
            kept.append((query, item))
    return kept


def refinement_pairs(searches: pd.DataFrame) -> list[tuple[str, str]]:
    """(original query, refined query) for each search refining an earlier one of the same frame."""
    by_id = dict(zip(searches["search_id"], searches["query"]))
    out = []
    for sid, query in zip(searches["refined_from"], searches["query"]):
        if pd.notna(sid) and int(sid) in by_id and by_id[int(sid)] != query:
            out.append((by_id[int(sid)], query))
    return out


def top_queries(pairs: list[tuple[str, str]], k: int = TOP_QUERIES) -> dict[str, tuple[str, ...]]:
    """item_id -> its k most frequent engaging queries (ties: first seen first)."""
    counts: dict[str, Counter] = {}
    for query, item in pairs:
        counts.setdefault(item, Counter())[query] += 1
    return {item: tuple(q for q, _ in c.most_common(k)) for item, c in counts.items()}


def make_pairs(log: SearchLog, *, held_out_fraction: float = 0.15, cap: int = 50) -> PairSet:
    """Split the log by time and build every task's pairs; SearchLogError when the held-out window has no
    engagements to evaluate on or the training window none to learn from."""
    cutoff = time_cutoff(log.searches, held_out_fraction)
    rows = engaged(log)
    train_rows, held_rows = rows[rows["ts"] < cutoff], rows[rows["ts"] >= cutoff]
    if held_rows.empty:
        raise SearchLogError(f"the search log has no saves or long clicks in its held-out window (searches from "
                             f"{cutoff} on, the last {held_out_fraction:.0%}); nothing to evaluate on: use a log "
                             "with engagements throughout, or change the held-out fraction")
    if train_rows.empty:
        raise SearchLogError(f"the search log has no saves or long clicks before {cutoff}; nothing to train on")
    all_train = list(zip(train_rows["query"], train_rows["item_id"]))
    held = list(dict.fromkeys(zip(held_rows["query"], held_rows["item_id"])))
    return PairSet(
        train_qi=cap_per_item(all_train, cap),
        train_qq=refinement_pairs(log.searches[log.searches["ts"] < cutoff]),
        held_out_qi=held,
        engaged_queries=top_queries(all_train),
        cutoff=pd.Timestamp(cutoff).isoformat(),
    )


def pair_frequencies(pairs: list[tuple[str, str]], item_ids: list[str]) -> np.ndarray:
    """How many training pairs each catalog item has (the in-batch sampling frequency for logQ)."""
    counts = Counter(item for _, item in pairs)
    return np.array([counts.get(i, 0) for i in item_ids], np.int64)
