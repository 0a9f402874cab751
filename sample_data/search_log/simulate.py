"""simulate_search_log: the whole log, searches and impressions, deterministic for a seed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sample_data.dice import Dice
from sample_data.search_log.engagement import engagement
from sample_data.search_log.intents import DIGIT_BITS, intent_dict, load_words, product_codes
from sample_data.search_log.queries import Queries, query_pool
from sample_data.search_log.ranker import RESULTS_PER_SEARCH, Ranker, relevance, swap_neighbours
from sample_data.search_log.sessions import sessions, timestamps
from sample_data.spec import ProductSpec

POOL_DRAWS_PER_SEARCH = 3  # intents sampled to estimate popularity, per search asked for

SEARCHES_SCHEMA = pa.schema([
    ("search_id", pa.int64()),
    ("session_id", pa.int64()),
    ("ts", pa.timestamp("s", tz="UTC")),
    ("query", pa.string()),
    ("intent", pa.string()),  # JSON of the attribute dict the query expresses (ground truth)
    ("refined_from", pa.int64()),  # search_id this query refines, null otherwise
])
IMPRESSIONS_SCHEMA = pa.schema([
    ("search_id", pa.int64()),
    ("position", pa.int16()),  # 1-based
    ("item_id", pa.string()),
    ("clicked", pa.bool_()),
    ("long_click", pa.bool_()),
    ("saved", pa.bool_()),
])


@dataclass(frozen=True)
class SearchLog:
    """Searches (one row per query issued) and impressions (ten rows per search)."""

    searches: pa.Table
    impressions: pa.Table

    def write(self, directory: str | Path) -> Path:
        """Write search_log/searches.parquet and search_log/impressions.parquet; return the folder.

        Parquet has no seconds unit, so `ts` is stored as timestamp[ms, tz=UTC] (whole seconds).
        """
        folder = Path(directory) / "search_log"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(self.searches, folder / "searches.parquet")
        pq.write_table(self.impressions, folder / "impressions.parquet")
        return folder


def simulate_search_log(products: Sequence[ProductSpec], seed: int, n_searches: int) -> SearchLog:
    """A search log of n_searches queries over the products, deterministic for a seed."""
    if not isinstance(n_searches, (int, np.integer)) or n_searches < 0:
        raise ValueError(f"n_searches must be a non-negative integer, got {n_searches!r}")
    if n_searches and not products:
        raise ValueError(f"cannot simulate {n_searches} searches over an empty catalog; pass at least one product")
    if n_searches == 0:
        return SearchLog(SEARCHES_SCHEMA.empty_table(), IMPRESSIONS_SCHEMA.empty_table())
    ws = load_words()
    too_many = [f for f in ws.families if len(ws.values[f]) >= 2**DIGIT_BITS]
    if too_many:
        raise ValueError(f"families {too_many} have {2**DIGIT_BITS - 1}+ values; raise DIGIT_BITS in sample_data/search_log/intents.py")
    codes = product_codes(products, ws)
    k = min(RESULTS_PER_SEARCH, len(products))
    rng = np.random.default_rng([seed, 31])
    pool_keys, pool_variants = query_pool(rng, codes, ws, max(20_000, POOL_DRAWS_PER_SEARCH * n_searches))
    queries = Queries(Dice(np.random.default_rng([seed, 32]), block=4096), codes, ws, pool_keys, pool_variants)
    session, qid, parent = sessions(rng, queries, n_searches)
    ts = timestamps(rng, session, parent)

    # Search ids follow time, so a refinement always points to a smaller id.
    order = np.lexsort((np.arange(n_searches), ts))
    search_id = np.empty(n_searches, dtype=np.int64)
    search_id[order] = np.arange(n_searches)
    session_first_ts = np.full(int(session.max()) + 1, np.iinfo(np.int64).max)
    np.minimum.at(session_first_ts, session, ts)
    session_rank = np.empty_like(session_first_ts)
    session_rank[np.lexsort((np.arange(len(session_first_ts)), session_first_ts))] = np.arange(len(session_first_ts))

    # Results and relevance once per distinct intent, then looked up per search.
    intent_keys = np.array(queries.intent, dtype=np.int64)
    distinct, intent_row = np.unique(intent_keys[qid], return_inverse=True)
    ranker = Ranker(np.random.default_rng([seed, 34]), codes, k)
    shown = np.stack([ranker.top(int(key)) for key in distinct])
    grade = np.stack([relevance(codes[row], int(key)) for row, key in zip(shown, distinct)])

    s_rows = order  # searches in id order
    rows = intent_row[s_rows]
    erng = np.random.default_rng([seed, 35])
    swapped = swap_neighbours(erng, n_searches, k)
    items = np.take_along_axis(shown[rows], swapped, axis=1)  # (n, k)
    rel = np.take_along_axis(grade[rows], swapped, axis=1)
    clicked, long_click, saved = engagement(rel, erng.random((3, *rel.shape)))
    position = np.arange(1, k + 1)

    texts = pa.array(queries.text, pa.string())
    intents_json = pa.array([json.dumps(intent_dict(ws, int(key))) for key in intent_keys], pa.string())
    refined = parent[s_rows]
    refined_from = np.where(refined >= 0, search_id[np.maximum(refined, 0)], 0)
    searches = pa.table({
        "search_id": pa.array(np.arange(n_searches, dtype=np.int64)),
        "session_id": pa.array(session_rank[session[s_rows]]),
        "ts": pa.array(ts[s_rows], pa.timestamp("s", tz="UTC")),
        "query": texts.take(pa.array(qid[s_rows])),
        "intent": intents_json.take(pa.array(qid[s_rows])),
        "refined_from": pa.array(refined_from, mask=refined < 0),
    }, schema=SEARCHES_SCHEMA)
    item_ids = pa.array([p.item_id for p in products], pa.string())
    impressions = pa.table({
        "search_id": pa.array(np.repeat(np.arange(n_searches, dtype=np.int64), k)),
        "position": pa.array(np.tile(position.astype(np.int16), n_searches)),
        "item_id": item_ids.take(pa.array(items.ravel())),
        "clicked": pa.array(clicked.ravel()),
        "long_click": pa.array(long_click.ravel()),
        "saved": pa.array(saved.ravel()),
    }, schema=IMPRESSIONS_SCHEMA)
    return SearchLog(searches, impressions)
