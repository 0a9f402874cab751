"""Pool progress: tasks judged against tasks wanted, per pool, counted by hand on the tiny store."""

from __future__ import annotations

from labels.pools import POOL_PROGRESS_COLUMNS

from .conftest import POOLED_AT_3


def pool_task_ids(store, pool_id: int) -> list[int]:
    return [t for (t,) in store._con.execute(
        "SELECT task_id FROM pool_tasks WHERE pool_id = ? ORDER BY task_id", [pool_id]).fetchall()]


def test_progress_counts_distinct_raters_up_to_the_overlap(seeded):
    seeded.build_task_pool("qs", ["A", "B"], k=3, overlap=2, mode="graded", seed=0)
    seeded.build_task_pool("qs", ["A"], k=1, overlap=1, mode="graded", seed=0)  # 3 tasks, reused from pool 1
    shared = pool_task_ids(seeded, 2)[0]
    only_first = next(t for t in pool_task_ids(seeded, 1) if t not in pool_task_ids(seeded, 2))
    seeded.record_judgment(shared, "r1", 3, seconds_spent=1.0)
    seeded.record_judgment(shared, "r1", 2, seconds_spent=1.0)  # a re-judgment is still one rater
    seeded.record_judgment(shared, "r2", 2, seconds_spent=1.0)
    seeded.record_judgment(shared, "r3", 2, seconds_spent=1.0)  # beyond pool 1's overlap of 2: not counted
    seeded.record_judgment(only_first, "r1", 1, seconds_spent=1.0)

    frame = seeded.pool_progress()
    assert tuple(frame.columns) == POOL_PROGRESS_COLUMNS
    one, two = frame.iloc[0], frame.iloc[1]
    assert (one.pool_id, one.config_names, one.overlap) == (1, "A, B", 2)
    assert (one.tasks, one.tasks_done, one.judgments, one.judgments_wanted) == (POOLED_AT_3, 1, 2 + 1, POOLED_AT_3 * 2)
    assert (two.pool_id, two.config_names, two.overlap) == (2, "A", 1)
    assert (two.tasks, two.tasks_done, two.judgments, two.judgments_wanted, two.gold_tasks) == (3, 1, 1, 3, 0)


def test_a_store_without_pools_has_an_empty_progress_table(store):
    frame = store.pool_progress()
    assert frame.empty and tuple(frame.columns) == POOL_PROGRESS_COLUMNS
