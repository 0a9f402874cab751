"""overlap@k and rank-biased overlap against hand-computed cases and a brute-force oracle."""

from __future__ import annotations

import random

import pytest

from eval.overlap import overlap_at_k, rank_biased_overlap, shared_items


def test_overlap_at_k_by_hand():
    assert overlap_at_k(["a", "b", "c", "d"], ["b", "x", "a", "y"], 2) == 1 / 2  # {a,b} & {b,x} = {b}
    assert overlap_at_k(["a", "b", "c", "d"], ["b", "x", "a", "y"], 3) == 2 / 3  # {a,b,c} & {b,x,a} = {a,b}
    assert overlap_at_k(["a"], ["a"], 3) == 1 / 3  # missing places count as misses
    assert shared_items(["a", "b", "c"], ["c", "b", "z"], 3) == {"b", "c"}


def test_rbo_swapped_top_two_by_hand():
    # X_1 = 0, X_2 = 2, X_3 = 3; p = 0.5: (1-p)/p * (0 + 2/2 * .25 + 3/3 * .125) + 3/3 * .125 = 0.5
    assert rank_biased_overlap(["a", "b", "c"], ["b", "a", "c"], p=0.5) == pytest.approx(0.5)


def test_rbo_identical_disjoint_and_prefix():
    assert rank_biased_overlap(list("abcde"), list("abcde"), p=0.8) == pytest.approx(1.0)
    assert rank_biased_overlap(list("abc"), list("xyz")) == 0.0
    # a prefix of the longer list extrapolates to full agreement (eq. 32): (1-p)/p*(.5+.125+.125) + .25 = 1
    assert rank_biased_overlap(["a"], ["a", "b"], p=0.5) == pytest.approx(1.0)
    assert rank_biased_overlap([], []) == 1.0 and rank_biased_overlap([], ["a"]) == 0.0


def test_rbo_one_shared_item_at_the_bottom_by_hand():
    # [a, b] vs [c, a]: X_1 = 0, X_2 = 1; p = 0.5: 1 * (0 + 1/2 * .25) + 1/2 * .25 = 0.25
    assert rank_biased_overlap(["a", "b"], ["c", "a"], p=0.5) == pytest.approx(0.25)


def brute_rbo(left, right, p):
    """Eq. 32 with X_d computed from sets at every depth."""
    short, long = sorted([left, right], key=len)
    s, l = len(short), len(long)
    x = [len(set(short[:d]) & set(long[:d])) for d in range(1, l + 1)]
    total = sum(x[d - 1] / d * p**d for d in range(1, l + 1))
    total += sum(x[s - 1] * (d - s) / (s * d) * p**d for d in range(s + 1, l + 1))
    return (1 - p) / p * total + ((x[l - 1] - x[s - 1]) / l + x[s - 1] / s) * p**l


def test_rbo_matches_the_set_oracle_and_is_symmetric():
    rng = random.Random(7)
    universe = [f"i{n}" for n in range(15)]
    for _ in range(200):
        left = rng.sample(universe, rng.randint(1, 10))
        right = rng.sample(universe, rng.randint(1, 10))
        p = rng.choice([0.5, 0.8, 0.9, 0.98])
        value = rank_biased_overlap(left, right, p)
        assert value == pytest.approx(brute_rbo(left, right, p))
        assert value == pytest.approx(rank_biased_overlap(right, left, p))
        assert -1e-12 <= value <= 1 + 1e-12


@pytest.mark.parametrize("bad, match", [
    (dict(left=["a", "a"], right=["b"]), "repeats items"),
    (dict(left=["a"], right=["b"], p=1.0), "strictly between 0 and 1"),
])
def test_rbo_bad_input(bad, match):
    with pytest.raises(ValueError, match=match):
        rank_biased_overlap(**bad)


def test_overlap_bad_k():
    with pytest.raises(ValueError, match="k must be a whole number"):
        overlap_at_k(["a"], ["a"], 0)
