"""Engagement aggregates per item from a search log: counts, a position-debiased rate, engaged queries.

Results shown higher get engaged with more whatever they are, so a raw rate rewards what was already
ranked high. The rate here is COEC (engagements over expected engagements): each impression expects the
log's mean weighted engagement at its position, and the item's rate is

    rate = (observed weighted engagement + PRIOR_EXPECTED) / (expected weighted engagement + PRIOR_EXPECTED)

so 1.0 is "as engaging as an average result at the same positions", and an item with few impressions is
pulled toward 1.0 (an item never shown has exactly 1.0).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Weights of the engagement kinds (a save says more than a click), and the prior that smooths small counts:
# PRIOR_EXPECTED pseudo-engagements, observed and expected alike (about 5 top-position impressions' worth).
CLICK, LONG_CLICK, SAVE = 1.0, 2.0, 3.0
PRIOR_EXPECTED = 5.0
TOP_QUERIES = 5


@dataclass(frozen=True)
class Engagement:
    impressions: int
    clicks: int
    long_clicks: int
    saves: int
    rate: float  # position-debiased (COEC), smoothed: 1.0 = average for the positions it was shown at
    queries: tuple[str, ...]  # the queries that engaged with the item most, most first


NO_ENGAGEMENT = Engagement(0, 0, 0, 0, 1.0, ())


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
        WITH weighted AS (
          SELECT item_id, position, clicked::INT AS c, long_click::INT AS l, saved::INT AS s,
                 clicked::INT * {CLICK} + long_click::INT * {LONG_CLICK} + saved::INT * {SAVE} AS w
          FROM read_parquet($impressions)
        ), by_position AS (
          SELECT position, avg(w) AS expected FROM weighted GROUP BY position
        )
        SELECT item_id, count(*) AS impressions, sum(c) AS clicks, sum(l) AS long_clicks, sum(s) AS saves,
               sum(w) AS observed, sum(expected) AS expected
        FROM weighted JOIN by_position USING (position) GROUP BY item_id
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
    for item, imp, clicks, longs, saves, observed, expected in counts:
        rate = coec(float(observed), float(expected))
        out[item] = Engagement(int(imp), int(clicks), int(longs), int(saves), rate, queries.get(item, ()))
    return out


def coec(observed: float, expected: float, prior: float = PRIOR_EXPECTED) -> float:
    """Smoothed engagements over expected engagements: (observed + prior) / (expected + prior)."""
    if observed < 0 or expected < 0:
        raise ValueError(f"engagement counts must be >= 0, got observed={observed}, expected={expected}")
    return (observed + prior) / (expected + prior)
