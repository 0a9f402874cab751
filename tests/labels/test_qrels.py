"""Importing qrels: judgments of a non-simulated pseudo-rater, queries created in a query set named after the source."""

from __future__ import annotations

import pytest

from labels import LabelOutOfRangeError

from .conftest import table_contents

QRELS = [("301", "d1", 2), ("301", "d2", 0), ("302", "d1", 4)]


def test_import_creates_rater_queries_tasks_and_judgments(store):
    assert store.import_qrels(QRELS, source="trec8") == 3
    rater = store.rater("qrels:trec8")
    assert not rater.simulated
    assert [q.query_id for q in store.queries("trec8")] == ["301", "302"]
    frame = store.judgments_frame(query_set="trec8")
    assert sorted(zip(frame["query_id"], frame["item_id"], frame["label"], strict=True)) == sorted(QRELS)
    assert set(frame["rater_id"]) == {"qrels:trec8"} and set(frame["mode"]) == {"graded"}


def test_reimport_is_an_update_with_history(store):
    store.import_qrels(QRELS, source="trec8")
    assert store.import_qrels([("301", "d1", 3)], source="trec8") == 1
    frame = store.judgments_frame()
    assert frame.loc[(frame["query_id"] == "301") & (frame["item_id"] == "d1"), "label"].tolist() == [3]
    assert store.count_rows("judgments") == 4 and store.count_rows("tasks") == 3


def test_existing_queries_are_reused_when_merged_explicitly(seeded):
    seeded.import_qrels([("q1", "a", 1)], source="mine", mode="binary", merge=True)
    assert seeded.queries("mine") == []  # q1 lives in "qs" already
    assert seeded.judgments_frame(mode="binary")[["query_id", "item_id", "label"]].values.tolist() == [["q1", "a", 1]]


@pytest.mark.parametrize(
    "rows, mode, error, message",
    [
        ([("301", "d1", 2), ("301", "d2", 5)], "graded", LabelOutOfRangeError, r"qrels row 2 \('301', 'd2'\): label 5 is outside the graded scale; allowed labels are the integers 0\.\.4"),
        ([("301", "d1", 2)], "binary", LabelOutOfRangeError, r"qrels row 1 \('301', 'd1'\): label 2 is outside the binary scale; allowed labels are the integers 0\.\.1"),
        ([("301", "d1")], "graded", ValueError, r"qrels row 1: expected \(query_id, item_id, label\)"),
    ],
)
def test_bad_rows_write_nothing(store, rows, mode, error, message):
    before = table_contents(store)
    with pytest.raises(error, match=message):
        store.import_qrels(rows, source="trec8", mode=mode)
    assert table_contents(store) == before
