"""Task pools: pooling and deduplication, blindness, deterministic shuffles, gold mixing, handing out tasks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from labels import EmptyQuerySetError, NoRunsError, QueryRecord, open_store
from labels.pools import ASSIGNMENT_TTL, choose_varied, gold_count

from .conftest import CONFIGS, POOLED_AT_3, RANKINGS, RATERS, results, seed_store


def all_tasks(store):
    with store._read() as con:
        return con.execute("SELECT task_id, query_id, item_id, mode, is_gold FROM tasks ORDER BY task_id").fetchall()


def test_pool_dedupes_the_top_k_of_every_config(seeded):
    report = seeded.build_task_pool("qs", ["A", "B"], k=3, overlap=2, seed=1)
    expected_pairs = {(q, i) for by_query in RANKINGS.values() for q, items in by_query.items() for i in items[:3]}
    assert report.n_pooled == 2 * 3 * 3  # configs x queries x k
    assert report.n_tasks == report.n_new_tasks == POOLED_AT_3 == len(expected_pairs)
    assert {(q, i) for _, q, i, _, _ in all_tasks(seeded)} == expected_pairs
    assert report.n_queries == 3 and report.n_gold == 0


def test_tasks_carry_no_trace_of_their_config(seeded):
    seeded.build_task_pool("qs", ["A", "B"], k=3, overlap=2, seed=1)
    with seeded._read() as con:
        columns = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'tasks'").fetchall()}
    assert columns == {"task_id", "query_id", "item_id", "mode", "is_gold", "created_at"}
    # The same pool built with the configs named in the other order is the same, id for id.
    with open_store(":memory:") as other:
        seed_store(other)
        other.build_task_pool("qs", ["B", "A"], k=3, overlap=2, seed=1)
        assert all_tasks(other) == all_tasks(seeded)


def test_shuffle_depends_on_the_seed_only(seeded):
    seeded.build_task_pool("qs", ["A", "B"], k=3, overlap=2, seed=1)
    first = all_tasks(seeded)
    with open_store(":memory:") as again, open_store(":memory:") as reseeded:
        seed_store(again)
        seed_store(reseeded)
        again.build_task_pool("qs", ["A", "B"], k=3, overlap=2, seed=1)
        reseeded.build_task_pool("qs", ["A", "B"], k=3, overlap=2, seed=2)
        assert all_tasks(again) == first
        assert [t[1:] for t in all_tasks(reseeded)] != [t[1:] for t in first]
    # not simply sorted: the seeded order differs from (query, item) order
    assert [t[1:3] for t in first] != sorted(t[1:3] for t in first)


def test_a_second_pool_reuses_existing_tasks(seeded):
    seeded.build_task_pool("qs", ["A"], k=3, overlap=1, seed=1)
    report = seeded.build_task_pool("qs", ["A", "B"], k=3, overlap=2, seed=1)
    assert report.n_tasks == POOLED_AT_3
    assert report.n_new_tasks == POOLED_AT_3 - 3 * 3  # A's top 3 of each query were pooled already
    assert len(all_tasks(seeded)) == POOLED_AT_3


@pytest.mark.parametrize("n, rate, expected", [(13, 0.0, 0), (13, 0.1, 1), (18, 0.1, 2), (10, 0.5, 10), (4, 0.2, 1)])
def test_gold_count_makes_gold_the_given_share(n, rate, expected):
    assert gold_count(n, rate) == expected == round(n * rate / (1 - rate))


def test_gold_tasks_are_mixed_in_and_go_to_every_rater(seeded):
    for item, label in (("g1", 4), ("g2", 0), ("g3", 2)):
        seeded.add_gold("q1", item, label)
    report = seeded.build_task_pool("qs", ["A", "B"], k=3, overlap=3, gold_rate=0.15, seed=3)
    assert report.n_gold == round(POOLED_AT_3 * 0.15 / 0.85) == 2
    gold = [t for t in all_tasks(seeded) if t[4]]
    assert len(gold) == 2 and {t[2] for t in gold} <= {"g1", "g2", "g3"}
    seen = {r: [] for r in RATERS}
    for rater in RATERS:
        while (task := seeded.assign_next(rater)) is not None:
            seen[rater].append(task)
            seeded.record_judgment(task.task_id, rater, 2, seconds_spent=1.0)
    # gold comes n-th (from 0) once, with it, gold is at most 15% of the rater's tasks: g + 1 <= 0.15 * (n + 1)
    first = next(n for n in range(20) if 1 <= 0.15 * (n + 1))
    second = next(n for n in range(first + 1, 20) if 2 <= 0.15 * (n + 1))
    assert [n for n, t in enumerate(seen["r1"]) if t.is_gold] == [first, second] == [6, 13]
    for rater in RATERS:  # every rater got both gold tasks, once, between ordinary ones
        assert sorted(t.task_id for t in seen[rater] if t.is_gold) == sorted(t[0] for t in gold)
        assert not seen[rater][0].is_gold and not seen[rater][-1].is_gold
        assert sorted(t.task_id for t in seen[rater] if not t.is_gold) == [t[0] for t in all_tasks(seeded) if not t[4]]


def test_gold_is_withheld_once_the_ordinary_tasks_run_out(seeded):
    for n, query_id in enumerate(("q1", "q2", "q3")):
        seeded.add_gold(query_id, f"g{n}", 4)
    seeded.build_task_pool("qs", ["A", "B"], k=3, overlap=1, gold_rate=0.2, seed=3)
    while (task := seeded.assign_next("r1")) is not None:  # r1 takes every ordinary task (overlap 1)
        seeded.record_judgment(task.task_id, "r1", 2, seconds_spent=1.0)
    assert seeded.assign_next("r2") is None  # the demo's new rater: no queue made of checks alone
    progress = seeded.rater_progress("r2")
    assert (progress.done, progress.open, progress.open_gold) == (0, 3, 3)


def test_gold_checks_are_spread_over_distinct_items_and_queries():
    # one decoy item ("shoe") is a candidate for every query: it is chosen once, before any item repeats
    candidates = sorted([(f"q{n}", "shoe") for n in range(6)] + [("q0", "a"), ("q1", "b"), ("q2", "c"), ("q3", "d")])
    for seed in range(5):
        chosen = choose_varied(candidates, 5, seed)
        assert len(chosen) == 5 and len({item for _, item in chosen}) == 5  # a, b, c, d and one shoe
        assert len({query for query, _ in chosen}) >= 4
        assert chosen == choose_varied(candidates, 5, seed)  # the seed alone decides


def test_gold_rate_without_gold_answers_is_an_error(seeded):
    with pytest.raises(ValueError, match=r"no graded gold answers.*add_gold"):
        seeded.build_task_pool("qs", ["A"], k=3, gold_rate=0.1)


def test_assign_next_respects_overlap_and_never_repeats(seeded):
    seeded.build_task_pool("qs", ["A", "B"], k=3, overlap=2, seed=1)
    given = {r: [] for r in RATERS}
    active = list(RATERS)
    while active:
        for rater in list(active):
            task = seeded.assign_next(rater)
            if task is None:
                active.remove(rater)
                continue
            given[rater].append(task.task_id)
            seeded.record_judgment(task.task_id, rater, 1, seconds_spent=1.0)
    for rater in RATERS:
        assert len(given[rater]) == len(set(given[rater]))  # never the same task twice
    counts = {}
    for ids in given.values():
        for task_id in ids:
            counts[task_id] = counts.get(task_id, 0) + 1
    assert len(counts) == POOLED_AT_3 and set(counts.values()) == {2}
    assert sum(len(v) for v in given.values()) == 2 * POOLED_AT_3


def test_an_open_assignment_is_served_again_until_judged_or_skipped(seeded):
    seeded.build_task_pool("qs", ["A"], k=1, overlap=1, seed=1)  # 3 tasks, one rater each
    first = seeded.assign_next("r1")
    assert seeded.assign_next("r1") == first and seeded.count_rows("assignments") == 1  # a reload: the same claim
    other = seeded.assign_next("r2")  # r1 holds the first
    assert other != first
    assert seeded.skip_task(first.task_id, "r1") and not seeded.skip_task(first.task_id, "r1")
    assert not seeded.skip_task(other.task_id, "r1")  # never r1's: nothing to put aside
    second = seeded.assign_next("r1")  # never the skipped one again
    assert second.task_id not in {first.task_id, other.task_id}
    assert seeded.assign_next("r3") == first  # a skip releases the task at once


def test_a_stale_claim_is_released_and_comes_back_only_while_nobody_took_it(seeded):
    seeded.build_task_pool("qs", ["A"], k=1, overlap=1, seed=1)  # 3 tasks, one rater each
    first = seeded.assign_next("r1")
    second = seeded.assign_next("r2")
    third = seeded.assign_next("r3")
    assert seeded.assign_next("r3") == third
    now = seeded.clock()
    seeded.clock = lambda: now + ASSIGNMENT_TTL + timedelta(seconds=1)  # every claim goes stale
    assert seeded.assign_next("r1") == first  # r1 comes back: their claim again, fresh from now
    seeded.record_judgment(third.task_id, "r3", 2, seconds_spent=1.0)
    assert seeded.assign_next("r3") == second  # r2's stale claim is released to r3
    seeded.record_judgment(second.task_id, "r3", 2, seconds_spent=1.0)
    assert seeded.assign_next("r2") is None  # r2's task was done meanwhile; r1 holds the first afresh


def test_assign_next_only_gives_tasks_of_the_mode(seeded):
    seeded.build_task_pool("qs", ["A"], k=1, overlap=1, mode="binary", seed=1)
    assert seeded.assign_next("r1", mode="graded") is None
    assert seeded.assign_next("r1", mode="binary").mode == "binary"


def test_empty_query_set_is_an_error_naming_it(seeded):
    seeded.add_query_set("empty")
    with pytest.raises(EmptyQuerySetError, match="query set 'empty' has no queries"):
        seeded.build_task_pool("empty", ["A"], k=3)


def test_config_without_runs_over_the_set_is_an_error(seeded):
    seeded.add_query_set("other")
    seeded.add_queries([QueryRecord("o1", "other", "text", "a hat")])
    seeded.record_run(CONFIGS["A"], "o1", results(["h1"]), model_version="m", index_version="i")
    with pytest.raises(NoRunsError, match=r"config 'B' has no results over the queries of query set 'other'.*record_run"):
        seeded.build_task_pool("other", ["A", "B"], k=3)


@pytest.mark.parametrize(
    "query_set, configs, message",
    [
        ("nope", ["A"], r"unknown query set 'nope'; known query sets are qs"),
        ("qs", ["A", "C"], r"unknown config name 'C'; known configs are A, B"),
        ("qs", [], r"non-empty list of config names"),
        ("qs", "A", r"non-empty list of config names"),
    ],
)
def test_unknown_names_are_errors(seeded, query_set, configs, message):
    with pytest.raises(ValueError, match=message):
        seeded.build_task_pool(query_set, configs, k=3)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"k": 0}, r"k \(results pooled per config and query\) must be an integer >= 1, got 0"),
        ({"overlap": 0}, r"overlap \(raters per task\) must be an integer >= 1, got 0"),
        ({"gold_rate": 1.0}, r"gold_rate must be a fraction in \[0, 1\), got 1.0"),
        ({"mode": "stars"}, r"unknown rating mode 'stars'; known modes are graded, binary"),
    ],
)
def test_bad_pool_settings_are_errors(seeded, kwargs, message):
    with pytest.raises(ValueError, match=message):
        seeded.build_task_pool("qs", ["A"], **{"k": 3, **kwargs})
    assert all_tasks(seeded) == []


def test_prioritise_orders_regular_tasks_by_score_and_keeps_gold_slots():
    from labels.pools import prioritise

    entries = [("q", "a", False), ("q", "g", True), ("q", "b", False), ("q", "c", False), ("q", "d", False)]
    ordered = prioritise(entries, {("q", "b"): 0.9, ("q", "d"): 0.5, ("q", "a"): 0.1})
    # gold stays second; scored pairs by score, highest first; the unscored pair ("c") last
    assert ordered == [("q", "b", False), ("q", "g", True), ("q", "d", False), ("q", "a", False), ("q", "c", False)]
    with pytest.raises(ValueError, match="priority of .* must be a real number"):
        prioritise(entries, {("q", "a"): float("nan")})


def test_a_prioritised_pool_serves_the_highest_scored_task_first_and_stores_no_label(seeded):
    pairs = {(q, i) for by_query in RANKINGS.values() for q, items in by_query.items() for i in items[:3]}
    top = sorted(pairs)[-1]
    seeded.build_task_pool("qs", ["A", "B"], k=3, overlap=2, seed=1, priority={top: 1.0})
    task = seeded.assign_next(RATERS[0])
    assert (task.query_id, task.item_id) == top
    assert seeded.count_rows("judgments") == 0
