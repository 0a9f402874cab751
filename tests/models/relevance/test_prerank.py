"""Pre-ranking a pool with a model: priorities for exactly the pooled pairs, and the queue follows them."""

from __future__ import annotations

from labels import ConfigRecord, QueryRecord, RunResult, open_store

from engine.models.relevance.prerank import pool_priority


def test_the_pooled_pairs_are_scored_and_served_best_first():
    with open_store(":memory:") as store:
        store.add_rater("r1", "R One", role="rater")
        store.add_query_set("qs")
        store.add_queries([QueryRecord("q1", "qs", "pivot", "in red", "ref")])
        config = ConfigRecord("A", "h-a", "{}")
        store.record_run(config, "q1", [RunResult(rank, item, 1.0 / rank) for rank, item in
                                        enumerate(["a", "b", "c"], start=1)],
                         model_version="m", index_version="i")
        asked = []

        def predict(pairs):  # a fake model: item b is relevant, a is not
            asked.extend(zip(pairs["query_id"], pairs["item_id"]))
            return {(q, i): {"a": 0, "b": 4}[i] for q, i in zip(pairs["query_id"], pairs["item_id"])}

        priority = pool_priority(store, "qs", ["A"], 2, predict)
        assert sorted(asked) == [("q1", "a"), ("q1", "b")]  # only the top k=2
        assert priority == {("q1", "a"): 0.0, ("q1", "b"): 4.0}
        store.build_task_pool("qs", ["A"], k=2, overlap=1, priority=priority)
        first = store.assign_next("r1")
        assert (first.query_id, first.item_id) == ("q1", "b")
        assert store.count_rows("judgments") == 0  # ordering only, never a label
