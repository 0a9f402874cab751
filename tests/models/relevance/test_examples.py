"""Examples from a tiny store built with the labels API, and the refusals."""

from __future__ import annotations

import pandas as pd
import pytest

from engine.models.relevance.examples import (TrainingDataError, build_examples, format_query, held_out_queries,
                                              lower_median)
from labels import open_store
from tests.labels.conftest import seed_store

TEXTS = {"q1": "in black | reference: jacket", "q2": "red striped dress", "q3": "the color palette of this"}


@pytest.fixture
def judged():
    """13 pooled tasks; r1 and r2 judge all, r1 re-judges the first task; r3 (simulated) judges all."""
    with open_store(":memory:") as store:
        seed_store(store, raters=("r1", "r2"))
        store.add_rater("r3", "R3", simulated=True)
        store.build_task_pool("qs", ["A", "B"], k=3, overlap=3)
        for rater, offset in (("r1", 0), ("r2", 1), ("r3", 2)):
            n = 0
            while (task := store.assign_next(rater)) is not None:
                store.record_judgment(task.task_id, rater, (n + offset) % 5, seconds_spent=1.0)
                if rater == "r1" and n == 0:
                    first = task
                n += 1
        store.record_judgment(first.task_id, "r1", 4, seconds_spent=1.0)  # supersedes r1's first label 0
        yield store, first


def test_format_query_puts_the_reading_after_the_text():
    assert format_query("in red", {"pattern": "striped", "color": "blue"}) == "in red | reference: blue striped"
    assert format_query("red dress", {}) == "red dress"


def test_lower_median_never_invents_a_grade():
    assert lower_median([3, 4]) == 3 and lower_median([0, 4, 2]) == 2 and lower_median([1]) == 1


def test_examples_keep_the_latest_label_per_rater_and_split_by_query(judged):
    store, first = judged
    ex = build_examples(store.judgments_frame(), TEXTS, {"a": "item a"}, minimum=5, seed=0)
    assert len(ex) == 13 and ex.distribution.shape == (13, 5)
    row = ex.frame[(ex.frame.query_id == first.query_id) & (ex.frame.item_id == first.item_id)].iloc[0]
    frame = store.judgments_frame()
    pair = frame[(frame.query_id == first.query_id) & (frame.item_id == first.item_id)]
    assert pair[pair.rater_id == "r1"]["label"].tolist() == [4]  # r1's first label 0 is superseded
    labels = pair["label"].tolist()
    assert row["label"] == sorted(labels)[(len(labels) - 1) // 2]
    assert ex.distribution.sum(axis=1) == pytest.approx([1.0] * 13)
    # every query lies wholly on one side of the split
    assert ex.frame.groupby("query_id")["held_out"].nunique().max() == 1
    assert set(ex.frame[ex.frame.held_out].query_id) == held_out_queries(["q1", "q2", "q3"], 0.2, 0)


def test_source_selects_simulated_or_human_raters(judged):
    store, _ = judged
    human = build_examples(store.judgments_frame(), TEXTS, {}, source="human", minimum=5)
    simulated = build_examples(store.judgments_frame(), TEXTS, {}, source="simulated", minimum=5)
    assert human.frame.n_judgments.tolist() == [2] * 13
    assert simulated.frame.n_judgments.tolist() == [1] * 13


def test_too_few_judgments_names_the_count_and_the_minimum(judged):
    store, _ = judged
    with pytest.raises(TrainingDataError, match=r"found 39 graded judgments .* at least 200"):
        build_examples(store.judgments_frame(), TEXTS, {})


def test_one_grade_only_is_refused_naming_the_grade():
    frame = pd.DataFrame({"query_id": ["q1", "q2"] * 3, "item_id": list("abcdef"), "rater_id": "r1",
                          "simulated": False, "mode": "graded", "label": 3})
    with pytest.raises(TrainingDataError, match="grade 3"):
        build_examples(frame, {"q1": "x", "q2": "y"}, {}, minimum=2)


def test_unknown_source_lists_the_known_ones(judged):
    store, _ = judged
    with pytest.raises(TrainingDataError, match="human, simulated, all"):
        build_examples(store.judgments_frame(), TEXTS, {}, source="robots", minimum=5)


def test_model_rater_agreement_reads_the_store_and_scores_every_rater(judged):
    from engine.models.relevance.agreement import AGREEMENT_COLUMNS, model_rater_agreement
    from engine.models.relevance.evaluate import quadratic_weighted_kappa

    store, _ = judged
    frame = store.judgments_frame()
    truth = {(q, i): label for q, i, r, label in zip(frame.query_id, frame.item_id, frame.rater_id, frame.label)
             if r == "r2"}
    table = model_rater_agreement(store, None, predict=lambda pairs: truth).set_index("rater_id")
    assert list(table.reset_index().columns) == list(AGREEMENT_COLUMNS)
    assert table.loc["r2", "model_kappa"] == pytest.approx(1.0) and table["n"].tolist() == [13, 13, 13]
    r1 = frame[frame.rater_id == "r1"]
    assert table.loc["r1", "model_kappa"] == pytest.approx(quadratic_weighted_kappa(
        r1.label, [truth[(q, i)] for q, i in zip(r1.query_id, r1.item_id)]))
