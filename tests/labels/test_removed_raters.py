"""A removed rater gets no task: assign_next refuses them, writing nothing; a label given while being removed is kept."""

from __future__ import annotations

import pytest

from labels import RaterRemovedError
from labels.pools import assign_next

from .conftest import POOLED_AT_3, table_contents


@pytest.fixture
def pooled(seeded):
    seeded.build_task_pool("qs", ["A", "B"], k=3, overlap=2, mode="graded", seed=0)
    return seeded


def test_a_removed_rater_is_refused_a_task_and_nothing_is_written(pooled):
    pooled.assign_next("r2")  # the in-memory queue is loaded before the removal: the removal must reach it
    pooled.remove_rater("r1")
    before = table_contents(pooled)
    with pytest.raises(RaterRemovedError, match="'r1' was removed by an admin"):
        pooled.assign_next("r1")
    assert table_contents(pooled) == before
    assert pooled.assign_next("r3") is not None  # the others carry on


def test_a_rater_removed_while_labeling_keeps_that_label_but_gets_no_next_task(pooled):
    task = pooled.assign_next("r1")
    pooled.remove_rater("r1")
    assignments = pooled.count_rows("assignments")
    with pytest.raises(RaterRemovedError, match="the label just given was saved"):
        pooled.record_judgment_and_assign_next(task.task_id, "r1", 3, seconds_spent=1.0)
    judged = pooled.judgments_frame()
    assert [(r.query_id, r.item_id, r.label) for r in judged.itertuples() if r.rater_id == "r1"] == [
        (task.query_id, task.item_id, 3)]
    assert pooled.count_rows("assignments") == assignments  # no next task was assigned


def test_the_sql_rule_refuses_a_removed_rater_too(pooled):
    pooled.remove_rater("r1")
    with pooled._write() as con:
        with pytest.raises(RaterRemovedError):
            assign_next(con, "r1", mode="graded", now=pooled.clock())
        assert assign_next(con, "r2", mode="graded", now=pooled.clock()) is not None


def test_the_queue_loaded_from_the_store_knows_the_removed_raters(pooled):
    pooled.remove_rater("r2")
    with pooled._write_lock, pooled._read() as con:
        queue = pooled._queue_slot.get(con)
    assert queue.removed == {"r2"} and len(queue.candidates["graded"]) == POOLED_AT_3
