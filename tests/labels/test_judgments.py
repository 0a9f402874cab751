"""Recording judgments, their history, and the frames the metrics read."""

from __future__ import annotations

import pandas as pd
import pytest

from labels import QueryRecord
from labels.frames import GOLD_COLUMNS, JUDGMENT_COLUMNS

from .conftest import CONFIGS, results


@pytest.fixture
def pooled(seeded):
    seeded.add_rater("sim", "Simulated", simulated=True)
    seeded.build_task_pool("qs", ["A", "B"], k=3, overlap=3, seed=1)
    return seeded


def test_record_judgment_returns_what_was_stored(pooled):
    task = pooled.assign_next("r1")
    judgment = pooled.record_judgment(task.task_id, "r1", 3, seconds_spent=4.5, comment="close")
    assert (judgment.task_id, judgment.rater_id, judgment.label, judgment.mode) == (task.task_id, "r1", 3, "graded")
    assert (judgment.seconds_spent, judgment.comment, judgment.is_gold, judgment.judgment_id) == (4.5, "close", False, 1)
    assert pooled.judgment_history(task.task_id, "r1") == [judgment]


def test_a_second_judgment_is_an_update_that_keeps_history(pooled):
    task = pooled.assign_next("r1")
    first = pooled.record_judgment(task.task_id, "r1", 3, seconds_spent=4.0)
    second = pooled.record_judgment(task.task_id, "r1", 1, seconds_spent=2.0, comment="changed my mind")
    assert second.judgment_id == first.judgment_id + 1
    assert [j.label for j in pooled.judgment_history(task.task_id, "r1")] == [3, 1]
    frame = pooled.judgments_frame()
    assert len(frame) == 1 and frame.loc[0, "label"] == 1 and frame.loc[0, "seconds_spent"] == 2.0
    assert pooled.count_rows("judgments") == 2


def test_judgments_frame_columns_types_and_filters(pooled):
    labels = {}
    for rater in ("r1", "r2", "sim"):
        task = pooled.assign_next(rater)
        labels[rater] = (task, {"r1": 4, "r2": 2, "sim": 0}[rater])
        pooled.record_judgment(task.task_id, rater, labels[rater][1], seconds_spent=3.0)
    frame = pooled.judgments_frame()
    assert tuple(frame.columns) == JUDGMENT_COLUMNS
    assert str(frame["label"].dtype) == "int64" and str(frame["seconds_spent"].dtype) == "float64"
    assert frame["simulated"].dtype == bool and pd.api.types.is_datetime64_any_dtype(frame["judged_at"])
    task = labels["r1"][0]  # assign_next gives the three raters the same first task (overlap 3)
    assert set(frame["rater_id"]) == {"r1", "r2", "sim"} and set(frame["item_id"]) == {task.item_id}
    assert dict(zip(frame["rater_id"], frame["label"], strict=True)) == {"r1": 4, "r2": 2, "sim": 0}
    assert frame["query_type"].iloc[0] == {"q1": "pivot", "q2": "text", "q3": "descriptor"}[task.query_id]
    assert set(pooled.judgments_frame(include_simulated=False)["rater_id"]) == {"r1", "r2"}
    assert len(pooled.judgments_frame(mode="binary")) == 0
    assert len(pooled.judgments_frame(query_set="qs")) == 3


def test_judgments_frame_narrows_to_a_query_set(pooled):
    pooled.add_query_set("other")
    pooled.add_queries([QueryRecord("o1", "other", "text", "a hat")])
    pooled.record_run(CONFIGS["A"], "o1", results(["h1"]), model_version="m", index_version="i")
    pooled.build_task_pool("other", ["A"], k=1, overlap=1, seed=0)
    with pooled._read() as con:
        other_task = con.execute("SELECT task_id FROM tasks WHERE query_id = 'o1'").fetchone()[0]
    pooled.record_judgment(other_task, "r1", 4, seconds_spent=1.0)
    pooled.record_judgment(pooled.assign_next("r1").task_id, "r1", 2, seconds_spent=1.0)
    assert list(pooled.judgments_frame(query_set="other")["query_id"]) == ["o1"]
    assert "o1" not in set(pooled.judgments_frame(query_set="qs")["query_id"])
    assert len(pooled.judgments_frame()) == 2


def test_gold_judgments_leave_the_frame_and_enter_gold_frame(seeded):
    seeded.add_gold("q2", "gold-dress", 4, note="a red striped dress")
    seeded.build_task_pool("qs", ["A", "B"], k=3, overlap=1, gold_rate=0.05, seed=1)
    with seeded._read() as con:
        gold_task = con.execute("SELECT task_id FROM tasks WHERE is_gold").fetchone()[0]
    seeded.record_judgment(gold_task, "r1", 3, seconds_spent=1.0)
    seeded.record_judgment(gold_task, "r2", 4, seconds_spent=1.0)
    assert len(seeded.judgments_frame()) == 0
    gold = seeded.gold_frame()
    assert tuple(gold.columns) == GOLD_COLUMNS
    assert gold.to_dict("records") == [
        {"rater_id": "r1", "task_id": gold_task, "query_id": "q2", "item_id": "gold-dress", "mode": "graded", "label": 3, "expected_label": 4},
        {"rater_id": "r2", "task_id": gold_task, "query_id": "q2", "item_id": "gold-dress", "mode": "graded", "label": 4, "expected_label": 4},
    ]


def test_binary_judgments(seeded):
    seeded.build_task_pool("qs", ["A"], k=2, overlap=1, mode="binary", seed=1)
    task = seeded.assign_next("r1", mode="binary")
    assert seeded.record_judgment(task.task_id, "r1", 1, seconds_spent=1.0).mode == "binary"
    assert list(seeded.judgments_frame(mode="binary")["label"]) == [1]


def test_bulk_insert_orders_history_by_row(pooled):
    tasks = []
    for _ in range(3):  # three different tasks: each put aside before the next (else the open one comes back)
        tasks.append(pooled.assign_next("r1").task_id)
        pooled.skip_task(tasks[-1], "r1")
    frame = pd.DataFrame({"task_id": [tasks[0], tasks[1], tasks[0], tasks[2]], "rater_id": ["r1"] * 4,
                          "label": [0, 1, 4, 2], "seconds_spent": [1.0, 2.0, 3.0, 4.0]})
    assert pooled.bulk_insert_judgments(frame) == 4
    assert [j.label for j in pooled.judgment_history(tasks[0], "r1")] == [0, 4]
    latest = pooled.judgments_frame()
    assert sorted(latest["label"]) == [1, 2, 4]


def test_run_results_frame_shows_the_latest_run(seeded):
    newer = seeded.record_run(CONFIGS["A"], "q1", results(["c", "a"]), model_version="m2", index_version="i2")
    frame = seeded.run_results_frame(["A"], "qs")
    q1 = frame[frame["query_id"] == "q1"]
    assert list(q1["item_id"]) == ["c", "a"] and set(q1["run_id"]) == {newer} and list(q1["rank"]) == [1, 2]
    assert list(frame.columns) == ["config_name", "config_hash", "run_id", "query_id", "query_type", "item_id", "rank", "score"]
    assert len(seeded.run_results_frame()) == 2 + 4 + 4 + 3 * 4  # A: q1 now 2, q2 and q3 4 each; B: 3 x 4
    assert str(frame["rank"].dtype) == "int64"
