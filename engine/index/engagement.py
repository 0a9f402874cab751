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


def search_log_files(search_log_dir: Path) -> tuple[Path, Path]:
    """`searches.parquet` and `impressions.parquet` of a search-log folder; a missing one names the folder's shape."""
    folder = Path(search_log_dir)
    searches, impressions = folder / "searches.parquet", folder / "impressions.parquet"
    for f in (searches, impressions):
        if not f.is_file():
            raise FileNotFoundError(f"search log file {f} not found; --search-log must be a folder with "
                                    "searches.parquet and impressions.parquet")
    return searches, impressions


def load_engagement(search_log_dir: Path) -> dict[str, Engagement]:
    """item_id -> Engagement from `searches.parquet` and `impressions.parquet` (as the sample writes them)."""
    import duckdb

    searches, impressions = search_log_files(search_log_dir)
    con = duckdb.connect()
    # Integer aggregates per (item, position), so the rate is computed the same on every run (float sums in a
    # parallel GROUP BY are not); the weights are whole numbers.
    per_position = con.execute(
        f"""
        SELECT item_id, position, count(*) AS n, sum(clicked::INT) AS c, sum(long_click::INT) AS l,
               sum(saved::INT) AS s
        FROM read_parquet($impressions) GROUP BY item_id, position ORDER BY item_id, position
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
    shown: dict[int, int] = {}
    engaged_at: dict[int, float] = {}
    for _, position, n, c, l, sv in per_position:
        shown[position] = shown.get(position, 0) + n
        engaged_at[position] = engaged_at.get(position, 0.0) + c * CLICK + l * LONG_CLICK + sv * SAVE
    mean_at = {p: engaged_at[p] / shown[p] for p in shown}
    totals: dict[str, list] = {}
    for item, position, n, c, l, sv in per_position:
        t = totals.setdefault(item, [0, 0, 0, 0, 0.0])
        t[0] += n
        t[1] += c
        t[2] += l
        t[3] += sv
        t[4] += n * mean_at[position]
    for item, (imp, clicks, longs, saves, expected) in totals.items():
        observed = clicks * CLICK + longs * LONG_CLICK + saves * SAVE
        rate = coec(float(observed), expected)
        out[item] = Engagement(int(imp), int(clicks), int(longs), int(saves), rate, queries.get(item, ()))
    return out


def coec(observed: float, expected: float, prior: float = PRIOR_EXPECTED) -> float:
    """Smoothed engagements over expected engagements: (observed + prior) / (expected + prior)."""
    if observed < 0 or expected < 0:
        raise ValueError(f"engagement counts must be >= 0, got observed={observed}, expected={expected}")
    return (observed + prior) / (expected + prior)
