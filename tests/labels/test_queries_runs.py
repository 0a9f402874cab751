"""Queries, configs and runs round-trip through the store unchanged."""

from __future__ import annotations

from labels import ConfigRecord, QuerySet

from .conftest import CONFIGS, QUERIES, results


def test_queries_round_trip(seeded):
    assert seeded.queries("qs") == sorted(QUERIES, key=lambda q: q.query_id)
    assert seeded.query("q3").crop == (0.1, 0.1, 0.9, 0.8)
    assert seeded.query_sets() == [QuerySet("qs", "three hand-made queries")]
    assert seeded.add_queries(QUERIES) == 0  # identical: skipped
    assert seeded.add_query_set("qs", exist_ok=True) == QuerySet("qs", "three hand-made queries")


def test_configs_are_stored_once_per_name_and_hash(seeded):
    assert seeded.configs() == [CONFIGS["A"], CONFIGS["B"]]
    changed = ConfigRecord("A", "hash-A2", '{"name": "A", "alpha": 0.7}')
    seeded.record_run(changed, "q1", results(["d", "a"]), model_version="m", index_version="i")
    assert seeded.configs() == [CONFIGS["A"], changed, CONFIGS["B"]]
    frame = seeded.run_results_frame(["A"])
    assert set(frame.loc[frame["query_id"] == "q1", "config_hash"]) == {"hash-A2"}


def test_run_ids_grow_and_empty_runs_are_allowed(seeded):
    first = seeded.record_run(CONFIGS["B"], "q2", [], model_version="m", index_version="i")
    second = seeded.record_run(CONFIGS["B"], "q2", results(["w"]), model_version="m", index_version="i")
    assert first == 7 and second == 8  # six runs were recorded by seed_store
    frame = seeded.run_results_frame(["B"], "qs")
    assert frame.loc[frame["query_id"] == "q2", "item_id"].tolist() == ["w"]
    assert seeded.count_rows("run_results") == 6 * 4 + 1
