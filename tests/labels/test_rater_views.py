"""Read-only views for the labeling app: one query's open tasks, a rater's progress, admins who can sign in."""

from __future__ import annotations

import pytest

from labels import UnknownNameError

from .conftest import RANKINGS


def test_query_tasks_are_the_querys_unjudged_pooled_tasks(seeded):
    seeded.build_task_pool("qs", ["A", "B"], k=3, overlap=1, mode="binary", seed=4)
    tasks = seeded.query_tasks("r1", "q3", mode="binary", limit=10)
    # q3 pools {i, j, k} | {m, n, i}: five distinct items, in task id order
    assert {t.item_id for t in tasks} == {"i", "j", "k", "m", "n"}
    assert [t.task_id for t in tasks] == sorted(t.task_id for t in tasks)
    assert all(t.query_id == "q3" and t.mode == "binary" for t in tasks)
    seeded.record_judgment(tasks[0].task_id, "r1", 1, seconds_spent=1.0)
    assert [t.task_id for t in seeded.query_tasks("r1", "q3", mode="binary", limit=10)] == [t.task_id for t in tasks[1:]]
    assert len(seeded.query_tasks("r2", "q3", mode="binary", limit=2)) == 2  # other raters are unaffected; limit holds
    assert seeded.query_tasks("r1", "q3", mode="graded", limit=10) == []  # no graded pool


def test_query_tasks_name_bad_input(seeded):
    with pytest.raises(UnknownNameError, match="'nobody'"):
        seeded.query_tasks("nobody", "q1")
    with pytest.raises(UnknownNameError, match="'q9'"):
        seeded.query_tasks("r1", "q9")
    with pytest.raises(ValueError, match="limit"):
        seeded.query_tasks("r1", "q1", limit=0)


def test_progress_counts_what_assign_next_would_still_hand_out(seeded):
    seeded.build_task_pool("qs", ["A", "B"], k=3, overlap=2, seed=1)
    n_tasks = len({(q, i) for by_query in RANKINGS.values() for q, items in by_query.items() for i in items[:3]})
    assert seeded.rater_progress("r1").open == n_tasks and seeded.rater_progress("r1").done == 0
    first = seeded.assign_next("r1")
    seeded.record_judgment(first.task_id, "r1", 3, seconds_spent=2.0)
    seeded.record_judgment(first.task_id, "r1", 2, seconds_spent=2.0)  # a re-judgment is still one task done
    progress = seeded.rater_progress("r1")
    assert (progress.done, progress.open) == (1, n_tasks - 1)
    # brute force: the open count is how many more tasks assign_next hands out
    handed = 0
    while (task := seeded.assign_next("r1")) is not None:
        handed += 1
        seeded.skip_task(task.task_id, "r1")  # else the open task would come back
    assert handed == progress.open
    assert seeded.rater_progress("r1").open == 0


def test_admins_with_secret(store):
    store.add_rater("a1", "Ann", role="admin")  # no secret: cannot sign in
    store.add_rater("r1", "Rae", role="rater", password="rater-secret")
    assert store.admins_with_secret() == []
    store.add_rater("a2", "Bo", role="admin", password="admin-secret")
    assert store.admins_with_secret() == ["a2"]
