"""Paired bootstrap and randomisation test."""

import itertools

import numpy as np
import pytest

from eval.significance import bootstrap_ci, bootstrap_means, compare_paired, randomization_p


def test_identical_runs_give_zero_delta_and_p_one():
    (result,) = compare_paired(np.zeros(25), resamples=2_000, seed=3)
    assert (result.mean_delta, result.ci_low, result.ci_high, result.p_value) == (0.0, 0.0, 0.0, 1.0)


def test_a_large_effect_is_significant():
    rng = np.random.default_rng(0)
    deltas = 0.3 + rng.normal(0, 0.1, 50)
    (result,) = compare_paired(deltas, resamples=5_000, seed=1)
    assert result.p_value < 0.01
    assert result.p_value == 1 / (5_000 + 1)  # no sign flip reaches the observed mean
    assert result.ci_low > 0


def test_no_effect_is_not_significant():
    rng = np.random.default_rng(2)
    (result,) = compare_paired(rng.normal(0, 0.1, 60), resamples=5_000, seed=1)
    assert result.p_value > 0.05 and result.ci_low < 0 < result.ci_high


def test_ci_contains_the_observed_mean():
    rng = np.random.default_rng(4)
    deltas = rng.normal(0.02, 0.2, size=(3, 40))
    low, high = bootstrap_ci(deltas, resamples=3_000, seed=9)
    assert np.all(low <= deltas.mean(axis=1)) and np.all(deltas.mean(axis=1) <= high)


def test_same_seed_same_numbers_other_seed_other_numbers():
    deltas = np.random.default_rng(5).normal(0.05, 0.3, 30)
    first = compare_paired(deltas, resamples=2_000, seed=7)
    assert compare_paired(deltas, resamples=2_000, seed=7) == first
    assert compare_paired(deltas, resamples=2_000, seed=8) != first


def test_sign_flip_p_value_converges_to_the_exact_enumeration():
    deltas = np.array([0.5, -0.1, 0.3, 0.2, -0.4, 0.6, 0.1, 0.25])
    signs = np.array(list(itertools.product([-1, 1], repeat=len(deltas))))
    exact = np.mean(np.abs(signs @ deltas) >= abs(deltas.sum()) - 1e-12)
    assert randomization_p(deltas, resamples=200_000, seed=0)[0] == pytest.approx(exact, abs=0.005)


def test_bootstrap_means_match_explicit_resampling():
    deltas = np.array([1.0, 2.0, 4.0, 8.0])
    means = bootstrap_means(deltas, resamples=5, seed=0)[:, 0]
    # Rebuild the same draws: the first stream of SeedSequence([seed, 0]).
    draws = np.random.default_rng(np.random.SeedSequence([0, 0])).integers(0, 4, size=(5, 4))
    np.testing.assert_allclose(means, deltas[draws].mean(axis=1), rtol=1e-15)


def test_rows_share_their_resamples():
    deltas = np.random.default_rng(6).normal(0, 1, 20)
    both = bootstrap_means(np.stack([deltas, 2 * deltas]), resamples=500, seed=1)
    np.testing.assert_allclose(both[:, 1], 2 * both[:, 0])


def test_nan_deltas_and_bad_resamples_are_refused():
    with pytest.raises(ValueError, match="NaN"):
        compare_paired([0.1, float("nan")])
    with pytest.raises(ValueError, match="resamples must be at least 1"):
        randomization_p([0.1], resamples=0)
