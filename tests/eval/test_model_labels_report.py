"""`eval report` with and without model labels: people's labels only by default, model labels only on pairs no
person judged, and the report says which it used."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from eval.store_report import ReportRequest, report_from_store, with_model_labels
from labels import open_store
from labels.model_judgments import ModelLabel
from tests.labels.conftest import seed_store

JUDGE = "model:relevance"


def frame(rows):
    return pd.DataFrame(rows, columns=["query_id", "item_id", "rater_id", "label"])


def test_model_labels_fill_only_pairs_no_person_judged():
    people = frame([("q1", "a", "r1", 3), ("q1", "b", "r2", 0)])
    models = frame([("q1", "a", JUDGE, 0), ("q1", "c", JUDGE, 4)])
    merged, alone = with_model_labels(people, models)
    assert alone == 1
    assert sorted(map(tuple, merged.to_numpy().tolist())) == [("q1", "a", "r1", 3), ("q1", "b", "r2", 0),
                                                               ("q1", "c", JUDGE, 4)]
    same, none = with_model_labels(people, models.iloc[:1])
    assert none == 0 and same is people


@pytest.fixture
def store_with_model_labels():
    with open_store(":memory:") as store:
        seed_store(store)
        pool = store.build_task_pool("qs", ["A", "B"], k=3, overlap=1, mode="graded", seed=0)
        tasks = {(t.query_id, t.item_id): t for t in (store.task(i) for (i,) in store._con.execute(
            "SELECT task_id FROM pool_tasks WHERE pool_id = ?", [pool.pool_id]).fetchall())}
        for item, label in (("a", 4), ("b", 0)):  # people judged two results of q1
            store.record_judgment(tasks["q1", item].task_id, "r1", label, seconds_spent=1.0)
        # the model judged q1's a (a person did too: theirs rules), c and x (nobody did)
        store.record_model_judgments([ModelLabel(tasks["q1", i].task_id, 4, 0.95) for i in ("a", "c", "x")],
                                     judge=JUDGE, threshold=0.9, checkpoint_sha256="e" * 64)
        yield store


def test_the_default_report_uses_people_s_labels_only_and_says_so(store_with_model_labels):
    humans = report_from_store(store_with_model_labels, ReportRequest(("A",), resamples=50))
    both = report_from_store(store_with_model_labels, ReportRequest(("A",), resamples=50, labels="humans+model"))
    assert humans.labels == "humans" and humans.model_pairs == 0 and "labels: humans;" in humans.to_text()
    assert both.labels == "humans+model" and both.model_pairs == 2
    assert "labels: humans+model (2 pairs labelled by a model judge only)" in both.to_text()
    assert json.loads(json.dumps(both.to_dict()))["labels"] == "humans+model"
    # A ranks a, b, c first for q1: people judged 2 of its top 3, with the model 3 of 3
    assert humans.summary("A").coverage["judged@10"] < both.summary("A").coverage["judged@10"]


def test_an_unknown_label_source_is_named(store_with_model_labels):
    with pytest.raises(ValueError, match="unknown labels 'model'.*humans, humans\\+model"):
        report_from_store(store_with_model_labels, ReportRequest(("A",), labels="model"))
