"""Bad input: a clear error naming the value and what is allowed, and the database unchanged afterwards."""

from __future__ import annotations

import pandas as pd
import pytest

from labels import (
    ConfigRecord,
    ConflictError,
    EmptyQuerySetError,
    LabelOutOfRangeError,
    QueryRecord,
    RunResult,
    StoreNotFoundError,
    UnknownNameError,
    open_store,
)

from .conftest import CONFIGS, table_contents


@pytest.fixture
def pooled(seeded):
    seeded.build_task_pool("qs", ["A", "B"], k=3, overlap=2, seed=1)
    seeded.build_task_pool("qs", ["A"], k=1, overlap=1, mode="binary", seed=1)
    task = seeded.assign_next("r1")
    seeded.record_judgment(task.task_id, "r1", 2, seconds_spent=1.0)
    return seeded


def task_of_mode(store, mode):
    with store._read() as con:
        return con.execute("SELECT min(task_id) FROM tasks WHERE mode = ?", [mode]).fetchone()[0]


@pytest.mark.parametrize(
    "mode, label, message",
    [
        ("graded", 5, "label 5 is outside the graded scale; allowed labels are the integers 0..4"),
        ("graded", -1, "label -1 is outside the graded scale; allowed labels are the integers 0..4"),
        ("graded", 2.5, "label 2.5 is outside the graded scale; allowed labels are the integers 0..4"),
        ("graded", "3", "label '3' is outside the graded scale; allowed labels are the integers 0..4"),
        ("graded", True, "label True is outside the graded scale; allowed labels are the integers 0..4"),
        ("binary", 2, "label 2 is outside the binary scale; allowed labels are the integers 0..1"),
    ],
)
def test_label_outside_the_scale(pooled, mode, label, message):
    before = table_contents(pooled)
    with pytest.raises(LabelOutOfRangeError) as caught:
        pooled.record_judgment(task_of_mode(pooled, mode), "r2", label, seconds_spent=1.0)
    assert str(caught.value) == message
    assert table_contents(pooled) == before


@pytest.mark.parametrize(
    "task_id, rater_id, message",
    [
        (999, "r1", r"unknown task id 999; known task ids are 16 integers from 1 to 16"),
        ("1", "r1", r"unknown task id '1'"),
        (1, "nobody", r"unknown rater id 'nobody'; known rater ids are r1, r2, r3. Register raters with add_rater"),
    ],
)
def test_unknown_task_or_rater(pooled, task_id, rater_id, message):
    before = table_contents(pooled)
    with pytest.raises(UnknownNameError, match=message):
        pooled.record_judgment(task_id, rater_id, 2, seconds_spent=1.0)
    assert table_contents(pooled) == before


@pytest.mark.parametrize("seconds", [-1.0, float("nan"), float("inf"), "5"])
def test_bad_seconds_spent(pooled, seconds):
    before = table_contents(pooled)
    with pytest.raises(ValueError, match=r"seconds_spent must be a finite number >= 0, got"):
        pooled.record_judgment(1, "r2", 2, seconds_spent=seconds)
    assert table_contents(pooled) == before


def test_assign_next_to_an_unknown_rater(pooled):
    before = table_contents(pooled)
    with pytest.raises(UnknownNameError, match="unknown rater id 'ghost'"):
        pooled.assign_next("ghost")
    assert table_contents(pooled) == before


def test_empty_query_set(pooled):
    pooled.add_query_set("empty")
    before = table_contents(pooled)
    with pytest.raises(EmptyQuerySetError, match=r"query set 'empty' has no queries; add queries with add_queries"):
        pooled.build_task_pool("empty", ["A"], k=3)
    assert table_contents(pooled) == before


def test_a_second_judgment_keeps_the_first(pooled):
    task = pooled.assign_next("r2")
    first = pooled.record_judgment(task.task_id, "r2", 4, seconds_spent=1.0)
    before = table_contents(pooled)
    pooled.record_judgment(task.task_id, "r2", 0, seconds_spent=1.0)
    after = table_contents(pooled)
    assert len(after["judgments"]) == len(before["judgments"]) + 1
    assert set(before["judgments"]) <= set(after["judgments"])  # the first row is still there, unchanged
    assert pooled.judgment_history(task.task_id, "r2")[0] == first


def test_bulk_insert_with_one_bad_row_writes_nothing(pooled):
    before = table_contents(pooled)
    frame = pd.DataFrame({"task_id": [1, 2, 3], "rater_id": ["r1", "r2", "r3"], "label": [1, 7, 2], "seconds_spent": [1.0] * 3})
    with pytest.raises(LabelOutOfRangeError, match=r"row 1 of the judgments frame: label 7 is outside the graded scale; allowed labels are the integers 0\.\.4"):
        pooled.bulk_insert_judgments(frame)
    frame.loc[1, "label"], frame.loc[2, "rater_id"] = 1, "zed"
    with pytest.raises(UnknownNameError, match=r"row 2 of the judgments frame: unknown rater id 'zed'"):
        pooled.bulk_insert_judgments(frame)
    assert table_contents(pooled) == before


def test_read_only_open_of_a_missing_file(tmp_path):
    path = tmp_path / "none" / "judgments.duckdb"
    with pytest.raises(StoreNotFoundError, match=r"no judgment store at .*judgments\.duckdb; a read-only open needs an existing file"):
        open_store(path, read_only=True)
    assert not path.exists() and not path.parent.exists()


def test_changed_query_or_config_content_is_refused(pooled):
    before = table_contents(pooled)
    with pytest.raises(ConflictError, match=r"query id 'q1' is already stored with different content"):
        pooled.add_queries([QueryRecord("q1", "qs", "text", "something else")])
    with pytest.raises(ConflictError, match=r"config 'A' with hash 'hash-A' is already stored with different JSON"):
        pooled.record_run(ConfigRecord("A", "hash-A", '{"other": 1}'), "q1", [], model_version="m", index_version="i")
    assert table_contents(pooled) == before
    assert pooled.add_queries([QueryRecord("q1", "qs", "pivot", "in black", "p-jacket", None, None, {"color": "black"})]) == 0


@pytest.mark.parametrize(
    "record, message",
    [
        (QueryRecord("x", "qs", "sketch", "t"), r"query 'x': unknown query type 'sketch'; query types are descriptor, pivot, text, image"),
        (QueryRecord("x", "qs", "pivot", "in red"), r"query 'x': a pivot query needs a reference image"),
        (QueryRecord("x", "qs", "image", None, "p1", None, (0.5, 0, 0.2, 1)), r"query 'x': crop must be four finite numbers"),
        (QueryRecord("x", "nope", "text", "t"), r"unknown query set 'nope'; known query sets are qs"),
    ],
)
def test_bad_queries(pooled, record, message):
    before = table_contents(pooled)
    with pytest.raises(ValueError, match=message):
        pooled.add_queries([record])
    assert table_contents(pooled) == before


@pytest.mark.parametrize(
    "query_id, results, message",
    [
        ("nope", [], r"unknown query id 'nope'"),
        ("q1", [RunResult(0, "a", 1.0)], r"rank 0 of item 'a' must be an int >= 1"),
        ("q1", [RunResult(1, "a", 1.0), RunResult(1, "b", 0.5)], r"rank 1 appears twice"),
        ("q1", [RunResult(1, "a", 1.0), RunResult(2, "a", 0.5)], r"item 'a' appears twice in one ranking"),
        ("q1", [RunResult(1, "a", float("nan"))], r"the score of item 'a' must be a finite number"),
    ],
)
def test_bad_runs(pooled, query_id, results, message):
    before = table_contents(pooled)
    with pytest.raises(ValueError, match=message):
        pooled.record_run(CONFIGS["A"], query_id, results, model_version="m", index_version="i")
    assert table_contents(pooled) == before


def test_duplicate_rater_is_refused_unless_identical_and_exist_ok(pooled):
    with pytest.raises(ConflictError, match=r"rater id 'r1' already exists .*; choose another id$"):
        pooled.add_rater("r1", "R1")
    assert pooled.add_rater("r1", "R1", exist_ok=True).name == "R1"
    with pytest.raises(ConflictError, match=r"rater id 'r1' already exists \(name 'R1', role rater"):
        pooled.add_rater("r1", "Someone else", exist_ok=True)
    with pytest.raises(ValueError, match=r"unknown role 'boss' for rater 'r9'; roles are rater, researcher, admin"):
        pooled.add_rater("r9", "R9", role="boss")


def test_unknown_names_in_reads(pooled):
    with pytest.raises(UnknownNameError, match=r"unknown query set 'nope'"):
        pooled.judgments_frame(query_set="nope")
    with pytest.raises(UnknownNameError, match=r"unknown config name 'Z'; known configs are A, B"):
        pooled.run_results_frame(["Z"])
    with pytest.raises(ValueError, match=r"unknown rating mode 'stars'"):
        pooled.judgments_frame(mode="stars")
