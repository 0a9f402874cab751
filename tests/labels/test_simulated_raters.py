"""Simulated raters: the noise model, and a panel judging a pool until no task is left."""

from __future__ import annotations

import numpy as np
import pytest

from labels import DEFAULT_PANEL, RaterProfile, open_store, simulate_judgments
from labels.simulated_raters import label_for, noisy_grade

from .conftest import POOLED_AT_3, seed_store

PERFECT = RaterProfile("perfect", "Perfect", noise=0.0, bias=0.0, careless_rate=0.0, seconds_mean=5.0)
TRUE_GRADES = {"a": 4, "b": 3, "c": 2, "x": 1, "e": 4, "f": 0, "g": 3, "z": 2, "i": 1, "j": 0, "k": 4, "m": 3, "n": 2}


def oracle(query, item_id):
    return TRUE_GRADES[item_id]


def draws(profile, grade, n=4000, seed=0):
    rng = np.random.default_rng(seed)
    return np.array([noisy_grade(grade, profile, rng) for _ in range(n)])


def test_a_perfect_rater_gives_the_true_grade():
    for grade in range(5):
        assert set(draws(PERFECT, grade, n=50)) == {grade}


def test_noise_moves_a_grade_by_one_at_the_given_rate():
    noisy = RaterProfile("n", "N", noise=0.3, bias=0.0, careless_rate=0.0, seconds_mean=1.0)
    got = draws(noisy, 2)
    assert set(got) == {1, 2, 3}
    assert abs((got != 2).mean() - 0.3) < 0.03  # binomial sd at n=4000 is 0.007


def test_bias_shifts_the_mean_then_clips():
    biased = RaterProfile("b", "B", noise=0.0, bias=0.4, careless_rate=0.0, seconds_mean=1.0)
    assert abs(draws(biased, 2).mean() - 2.4) < 0.03
    assert set(draws(biased, 4, n=200)) == {4}  # 4.4 clips to 4
    strict = RaterProfile("s", "S", noise=0.0, bias=-1.5, careless_rate=0.0, seconds_mean=1.0)
    assert set(draws(strict, 1, n=200)) == {0}  # -0.5 clips to 0


def test_careless_labels_are_uniform():
    careless = RaterProfile("c", "C", noise=0.0, bias=0.0, careless_rate=1.0, seconds_mean=1.0)
    counts = np.bincount(draws(careless, 4, n=5000), minlength=5) / 5000
    assert np.all(np.abs(counts - 0.2) < 0.03)


def test_binary_label_is_a_grade_of_three_or_more():
    assert [label_for(g, "binary") for g in range(5)] == [0, 0, 0, 1, 1]
    assert [label_for(g, "graded") for g in range(5)] == list(range(5))


def test_bad_profiles_are_refused():
    with pytest.raises(ValueError, match=r"rater profile 'x': noise is a probability in \[0, 1\], got 1.5"):
        RaterProfile("x", "X", noise=1.5, bias=0.0, careless_rate=0.0, seconds_mean=1.0)
    with pytest.raises(ValueError, match=r"seconds_mean must be > 0"):
        RaterProfile("x", "X", noise=0.1, bias=0.0, careless_rate=0.0, seconds_mean=0.0)


def test_default_panel_has_five_varied_raters():
    assert len(DEFAULT_PANEL) == 5 and len({p.rater_id for p in DEFAULT_PANEL}) == 5
    assert len({(p.noise, p.bias) for p in DEFAULT_PANEL}) == 5


@pytest.fixture
def pool():
    with open_store(":memory:") as store:
        seed_store(store, raters=())
        store.build_task_pool("qs", ["A", "B"], k=3, overlap=2, seed=1)
        yield store


def test_the_panel_judges_until_no_task_is_left(pool):
    n = simulate_judgments(pool, oracle, DEFAULT_PANEL, mode="graded", seed=7)
    assert n == 2 * POOLED_AT_3  # overlap 2
    assert all(r.simulated for r in pool.raters()) and len(pool.raters()) == 5
    frame = pool.judgments_frame()
    assert len(frame) == n and frame.groupby(["query_id", "item_id"]).size().eq(2).all()
    assert pool.assign_next(DEFAULT_PANEL[0].rater_id) is None


def test_perfect_raters_reproduce_the_oracle_and_binary_thresholds(pool):
    simulate_judgments(pool, oracle, [PERFECT], mode="graded", seed=0)
    frame = pool.judgments_frame()
    assert dict(zip(frame["item_id"], frame["label"], strict=True)) == TRUE_GRADES
    pool.build_task_pool("qs", ["A", "B"], k=3, overlap=1, mode="binary", seed=1)
    simulate_judgments(pool, oracle, [PERFECT], mode="binary", seed=0)
    binary = pool.judgments_frame(mode="binary")
    assert dict(zip(binary["item_id"], binary["label"], strict=True)) == {i: int(g >= 3) for i, g in TRUE_GRADES.items()}


def test_same_seed_same_judgments_and_limit(pool):
    with open_store(":memory:") as other:
        seed_store(other, raters=())
        other.build_task_pool("qs", ["A", "B"], k=3, overlap=2, seed=1)
        simulate_judgments(pool, oracle, DEFAULT_PANEL, seed=3)
        simulate_judgments(other, oracle, DEFAULT_PANEL, seed=3)
        columns = ["query_id", "item_id", "rater_id", "label", "seconds_spent"]
        assert pool.judgments_frame()[columns].equals(other.judgments_frame()[columns])
    with open_store(":memory:") as limited:
        seed_store(limited, raters=())
        limited.build_task_pool("qs", ["A", "B"], k=3, overlap=2, seed=1)
        assert simulate_judgments(limited, oracle, DEFAULT_PANEL, seed=3, limit=7) == 7
        assert limited.count_rows("judgments") == 7
