"""A real judgment store in a temporary workspace, built through the labels API: two configs, three raters."""

from __future__ import annotations

import pytest

from labels import ConfigRecord, QueryRecord, RunResult, open_store

QUERIES = [
    QueryRecord("q1", "qs", "pivot", "in black", "p-jacket", None, None, {"color": "black"}),
    QueryRecord("q2", "qs", "text", "red striped dress", None, None, None, {"category": "dress"}),
    QueryRecord("q3", "qs", "descriptor", "this palette", None, "scenes/s1.jpg", (0.1, 0.1, 0.9, 0.8), {}),
]
# config -> query -> ranked items (scores 1.0, 0.9, ...). The top 3 of both configs are pooled and judged;
# rank 4 stays unjudged.
RANKINGS = {
    "A": {"q1": ["a", "b", "c", "d"], "q2": ["e", "f", "g", "h"], "q3": ["i", "j", "k", "l"]},
    "B": {"q1": ["b", "x", "a", "y"], "q2": ["f", "e", "z", "w"], "q3": ["m", "n", "i", "o"]},
}
# The label the two human raters agree on; the simulated rater says 0 to everything.
GRADES = {("q1", "a"): 4, ("q1", "b"): 2, ("q1", "c"): 3, ("q1", "x"): 0,
          ("q2", "e"): 1, ("q2", "f"): 4, ("q2", "g"): 0, ("q2", "z"): 3,
          ("q3", "i"): 3, ("q3", "j"): 0, ("q3", "k"): 1, ("q3", "m"): 4, ("q3", "n"): 2}
HUMANS = ("r1", "r2")
SIMULATED = "sim"


def build_store(path) -> None:
    with open_store(path) as store:
        store.add_query_set("qs", "three hand-made queries")
        store.add_queries(QUERIES)
        for name, by_query in RANKINGS.items():
            config = ConfigRecord(name, f"hash-{name}", f'{{"name": "{name}"}}')
            for query_id, items in by_query.items():
                results = [RunResult(rank, item, 1.0 - 0.1 * (rank - 1)) for rank, item in enumerate(items, start=1)]
                store.record_run(config, query_id, results, model_version="m1", index_version="i1")
        for rater in HUMANS:
            store.add_rater(rater, rater.upper())
        store.add_rater(SIMULATED, "Simulated", simulated=True)
        store.build_task_pool("qs", ["A", "B"], k=3, overlap=3)
        for rater in (*HUMANS, SIMULATED):
            while (task := store.assign_next(rater)) is not None:
                label = 0 if rater == SIMULATED else GRADES[task.query_id, task.item_id]
                store.record_judgment(task.task_id, rater, label, seconds_spent=2.0)


@pytest.fixture(scope="module")
def eval_home(tmp_path_factory):
    """A workspace folder whose judgments.duckdb holds the store above."""
    home = tmp_path_factory.mktemp("eval-home")
    build_store(home / "judgments.duckdb")
    return home
