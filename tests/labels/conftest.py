"""Tiny hand-made stores: three queries, two configs with overlapping rankings, three raters."""

from __future__ import annotations

import pytest

from labels import ConfigRecord, QueryRecord, RunResult, open_store

QUERIES = [
    QueryRecord("q1", "qs", "pivot", "in black", "p-jacket", None, None, {"color": "black"}),
    QueryRecord("q2", "qs", "text", "red striped dress", None, None, None, {"category": "dress", "color": "red"}),
    QueryRecord("q3", "qs", "descriptor", "the color palette of this", None, "scenes/s1.jpg", (0.1, 0.1, 0.9, 0.8), {}),
]
# config -> query -> ranked item ids. With k=3: q1 pools {a, b, c} | {b, x, a} = 4 items,
# q2 pools {e, f, g} | {f, e, z} = 4 items, q3 pools {i, j, k} | {m, n, i} = 5 items: 13 tasks.
RANKINGS = {
    "A": {"q1": ["a", "b", "c", "d"], "q2": ["e", "f", "g", "h"], "q3": ["i", "j", "k", "l"]},
    "B": {"q1": ["b", "x", "a", "y"], "q2": ["f", "e", "z", "w"], "q3": ["m", "n", "i", "o"]},
}
POOLED_AT_3 = 4 + 4 + 5
CONFIGS = {name: ConfigRecord(name, f"hash-{name}", f'{{"name": "{name}"}}') for name in RANKINGS}
RATERS = ("r1", "r2", "r3")


def results(items: list[str]) -> list[RunResult]:
    """A ranking with scores 1, 0.9, 0.8, ... and a one-feature breakdown."""
    return [RunResult(rank, item, 1.0 - 0.1 * (rank - 1), {"image_sim": 0.5}) for rank, item in enumerate(items, start=1)]


def seed_store(store, raters=RATERS) -> None:
    """Fill a store with QUERIES, one run per (config, query) of RANKINGS, and the raters."""
    store.add_query_set("qs", "three hand-made queries")
    store.add_queries(QUERIES)
    for name, by_query in RANKINGS.items():
        for query_id, items in by_query.items():
            store.record_run(CONFIGS[name], query_id, results(items), model_version="m1", index_version="i1")
    for rater_id in raters:
        store.add_rater(rater_id, rater_id.upper())


def table_contents(store) -> dict[str, list[tuple]]:
    """Every row of every table of the store, sorted, to compare before and after a failed write."""
    with store._read() as con:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY table_name"
        ).fetchall()]
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}


@pytest.fixture
def store():
    with open_store(":memory:") as s:
        yield s


@pytest.fixture
def seeded(store):
    seed_store(store)
    return store
