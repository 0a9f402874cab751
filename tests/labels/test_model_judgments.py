"""Model judges (`model:relevance`): their labels stay apart from people's, people's are never touched, nobody can
be or sign in as a model, and a task the model judged leaves the human queue (in memory as in SQL)."""

from __future__ import annotations

import pytest

from labels.errors import UnknownNameError
from labels.model_judgments import ModelLabel, is_model_judge, model_judge_id
from labels.rater_views import rater_progress as sql_progress

from .conftest import POOLED_AT_3, RATERS, table_contents

JUDGE = "model:relevance"
SHA = "c" * 64


def pool_tasks(store, pool_id=1) -> list[int]:
    return [t for (t,) in store._con.execute(
        "SELECT task_id FROM pool_tasks WHERE pool_id = ? ORDER BY task_id", [pool_id]).fetchall()]


@pytest.fixture
def pooled(seeded):
    seeded.build_task_pool("qs", ["A", "B"], k=3, overlap=2, mode="graded", seed=0)
    return seeded


def test_model_labels_are_kept_apart_and_people_s_labels_are_untouched(pooled):
    a, b = pool_tasks(pooled)[:2]
    pooled.record_judgment(a, "r1", 3, seconds_spent=2.0)
    people_before = table_contents(pooled)["judgments"]
    written = pooled.record_model_judgments([ModelLabel(a, 1, 0.93), ModelLabel(b, 4, 0.97)], judge=JUDGE,
                                            threshold=0.9, checkpoint_sha256=SHA)
    assert (written.written, written.unchanged) == (2, 0)
    assert table_contents(pooled)["judgments"] == people_before  # not a row of people's judgments changed
    people = pooled.judgments_frame()
    assert people["rater_id"].tolist() == ["r1"]  # the default never mixes model labels in
    both = pooled.judgments_frame(include_model=True)
    assert sorted(both["rater_id"]) == [JUDGE, JUDGE, "r1"]
    model = pooled.model_judgments_frame()
    assert list(model.columns) == list(people.columns)
    assert sorted(model["label"]) == [1, 4] and not model["simulated"].any() and not model["gold"].any()
    # r1's label of task a is still 3: the model's 1 sits beside it under its own id
    assert both[(both["rater_id"] == "r1")]["label"].tolist() == [3]


def test_a_rerun_writes_nothing_and_a_changed_label_is_a_new_row_that_keeps_the_old(pooled):
    a, b = pool_tasks(pooled)[:2]
    labels = [ModelLabel(a, 1, 0.93), ModelLabel(b, 4, 0.97)]
    pooled.record_model_judgments(labels, judge=JUDGE, threshold=0.9, checkpoint_sha256=SHA)
    again = pooled.record_model_judgments(labels, judge=JUDGE, threshold=0.9, checkpoint_sha256=SHA)
    assert (again.written, again.unchanged) == (0, 2) and pooled.count_rows("model_judgments") == 2
    changed = pooled.record_model_judgments([ModelLabel(a, 2, 0.95)], judge=JUDGE, threshold=0.9,
                                            checkpoint_sha256="d" * 64)
    assert changed.written == 1 and pooled.count_rows("model_judgments") == 3  # the history stays
    latest = pooled.model_judgments_frame()
    assert len(latest) == 2 and sorted(latest["label"]) == [2, 4]


def test_nobody_can_be_registered_or_sign_in_as_a_model(pooled):
    pooled.record_model_judgments([ModelLabel(pool_tasks(pooled)[0], 1, 0.9)], judge=JUDGE, threshold=0.5,
                                  checkpoint_sha256=SHA)
    with pytest.raises(ValueError, match="kept for model judges"):
        pooled.add_rater(JUDGE, "Sneaky", password="a-long-secret-1")
    with pytest.raises(ValueError, match="model:"):
        pooled.add_rater("model:other", "Other")
    assert not pooled.check_credentials(JUDGE, "a-long-secret-1")
    assert pooled.session_rater(JUDGE) is None
    assert JUDGE not in {r.rater_id for r in pooled.raters()}
    assert is_model_judge(JUDGE) and not is_model_judge("r1") and model_judge_id("relevance") == JUDGE


def test_tasks_the_model_judged_leave_the_human_queue_in_memory_and_in_sql(pooled):
    tasks = pool_tasks(pooled)
    judged_by_model = set(tasks[::3])
    pooled.record_judgment(tasks[0], "r1", 2, seconds_spent=1.0)  # a person judged one of them before
    pooled.record_model_judgments([ModelLabel(t, 3, 0.9) for t in sorted(judged_by_model)], judge=JUDGE,
                                  threshold=0.8, checkpoint_sha256=SHA)
    for rater_id in RATERS:
        queued = pooled.rater_progress(rater_id)
        with pooled._read() as con:
            by_sql = sql_progress(con, rater_id, mode="graded", now=pooled.clock())
        assert queued == by_sql
    assert pooled.rater_progress("r2").open == POOLED_AT_3 - len(judged_by_model)
    given = set()
    while (task := pooled.assign_next("r2")) is not None:
        given.add(task.task_id)
        pooled.record_judgment(task.task_id, "r2", 1, seconds_spent=1.0)
    assert given == set(tasks) - judged_by_model
    assert pooled.judgments_frame()["rater_id"].value_counts().to_dict() == {"r2": len(given), "r1": 1}
    progress = pooled.pool_progress().iloc[0]
    assert progress.model_tasks == len(judged_by_model)


def test_the_model_judges_only_regular_graded_tasks_of_known_pools(seeded):
    seeded.add_gold("q1", "d", 4)
    graded = seeded.build_task_pool("qs", ["A"], k=1, overlap=1, mode="graded", gold_rate=0.5, seed=0)
    binary = seeded.build_task_pool("qs", ["A"], k=1, overlap=1, mode="binary", seed=0)
    with seeded._read() as con:
        gold = con.execute("SELECT task_id FROM tasks WHERE is_gold").fetchone()[0]
        binary_task = con.execute("SELECT task_id FROM tasks WHERE mode = 'binary' LIMIT 1").fetchone()[0]
    before = table_contents(seeded)
    for task_id in (gold, binary_task, 999):
        with pytest.raises(UnknownNameError, match="graded tasks that are not gold"):
            seeded.record_model_judgments([ModelLabel(task_id, 2, 0.9)], judge=JUDGE, threshold=0.5,
                                          checkpoint_sha256=SHA)
    with pytest.raises(ValueError, match="off the graded scale"):
        seeded.record_model_judgments([ModelLabel(pool_tasks(seeded, graded.pool_id)[0], 7, 0.9)], judge=JUDGE,
                                      threshold=0.5, checkpoint_sha256=SHA)
    with pytest.raises(ValueError, match="starts with 'model:'"):
        seeded.record_model_judgments([], judge="r1", threshold=0.5, checkpoint_sha256=SHA)
    assert table_contents(seeded) == before
    with pytest.raises(ValueError, match="graded"):
        seeded.pool_pairs(binary.pool_id, JUDGE)
    with pytest.raises(UnknownNameError, match="unknown pool id 42"):
        seeded.pool_pairs(42, JUDGE)


def test_pool_pairs_count_people_and_show_the_model_s_label(pooled):
    a, b = pool_tasks(pooled)[:2]
    pooled.record_judgment(a, "r1", 3, seconds_spent=1.0)
    pooled.record_judgment(a, "r2", 2, seconds_spent=1.0)
    pooled.record_model_judgments([ModelLabel(b, 4, 0.9)], judge=JUDGE, threshold=0.5, checkpoint_sha256=SHA)
    pairs = pooled.pool_pairs(1, JUDGE).set_index("task_id")
    assert len(pairs) == POOLED_AT_3 and (pairs["overlap"] == 2).all()
    assert pairs.loc[a, "human_judges"] == 2 and pairs.loc[b, "human_judges"] == 0
    assert pairs.loc[b, "model_label"] == 4 and pairs["model_label"].isna().sum() == POOLED_AT_3 - 1
