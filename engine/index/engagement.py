"""Engagement aggregates per item from a search log: counts, a smoothed engagement rate, engaged queries."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Weights of the engagement kinds (a save says more than a click), and the prior that smooths small counts.
CLICK, LONG_CLICK, SAVE = 1.0, 2.0, 3.0
PRIOR_IMPRESSIONS, PRIOR_RATE = 20.0, 0.05
TOP_QUERIES = 5


@dataclass(frozen=True)
class Engagement:
    impressions: int
    clicks: int
    long_clicks: int
    saves: int
    rate: float  # smoothed weighted engagement per impression, 0..~3
    queries: tuple[str, ...]  # the queries that engaged with the item most, most first


NO_ENGAGEMENT = Engagement(0, 0, 0, 0, PRIOR_RATE, ())


def load_engagement(search_log_dir: Path) -> dict[str, Engagement]:
    """item_id -> Engagement from `searches.parquet` and `impressions.parquet` (as the sample writes them)."""
    import duckdb

    folder = Path(search_log_dir)
    searches, impressions = folder / "searches.parquet", folder / "impressions.parquet"
    for f in (searches, impressions):
        if not f.is_file():
            raise FileNotFoundError(f"search log file {f} not found; --search-log must be a folder with "
                                    "searches.parquet and impressions.parquet")
    con = duckdb.connect()
    counts = con.execute(
        f"""
        SELECT item_id, count(*) AS impressions, sum(clicked::INT) AS clicks,
               sum(long_click::INT) AS long_clicks, sum(saved::INT) AS saves
        FROM read_parquet($impressions) GROUP BY item_id
        """,
        {"impressions": str(impressions)},
    ).fetchall()
    engaged = con.execute(
        f"""
        WITH engaged AS (
          SELECT i.item_id, lower(trim(s.query)) AS q,
                 i.clicked::INT * {CLICK} + i.long_click::INT * {LONG_CLICK} + i.saved::INT * {SAVE} AS w
          FROM read_parquet($impressions) i JOIN read_parquet($searches) s USING (search_id)
          WHERE i.clicked OR i.long_click OR i.saved
        ), per_query AS (
          SELECT item_id, q, sum(w) AS n, row_number() OVER (PARTITION BY item_id ORDER BY sum(w) DESC, q) AS rn
          FROM engaged GROUP BY item_id, q
        )
        SELECT item_id, list(q ORDER BY n DESC, q) FROM per_query WHERE rn <= {TOP_QUERIES} GROUP BY item_id
        """,
        {"impressions": str(impressions), "searches": str(searches)},
    ).fetchall()
    queries = {item: tuple(q) for item, q in engaged}
    out = {}
    for item, imp, clicks, longs, saves in counts:
        weighted = clicks * CLICK + longs * LONG_CLICK + saves * SAVE
        rate = (weighted + PRIOR_RATE * PRIOR_IMPRESSIONS) / (imp + PRIOR_IMPRESSIONS)
        out[item] = Engagement(int(imp), int(clicks), int(longs), int(saves), rate, queries.get(item, ()))
    return out
