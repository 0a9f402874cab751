"""Holm–Bonferroni: hand-worked examples, NaN handling, and statsmodels' multipletests as an oracle."""

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from eval.multiple_testing import holm_adjust, holm_reject


def test_a_hand_worked_family_of_four():
    # Sorted 0.01, 0.02, 0.03, 0.04 scaled by 4, 3, 2, 1: 0.04, 0.06, 0.06, 0.04; running max: 0.04, 0.06, 0.06, 0.06.
    p = [0.03, 0.01, 0.04, 0.02]
    np.testing.assert_allclose(holm_adjust(p), [0.06, 0.04, 0.06, 0.06])
    assert holm_reject(p, 0.05).tolist() == [False, True, False, False]
    assert holm_reject(p, 0.06).tolist() == [True, True, True, True]


def test_adjusted_values_are_capped_at_one_and_never_below_the_raw_p():
    p = np.array([0.5, 0.6, 0.001])
    adjusted = holm_adjust(p)
    np.testing.assert_allclose(adjusted, [min(1, 2 * 0.5), min(1, max(2 * 0.5, 1 * 0.6)), 3 * 0.001])
    assert (adjusted >= p).all()


def test_nan_comparisons_stay_nan_and_do_not_count_in_the_family():
    adjusted = holm_adjust([0.01, np.nan, 0.02])
    np.testing.assert_allclose(adjusted, [2 * 0.01, np.nan, 0.02])
    assert holm_reject([0.01, np.nan, 0.02]).tolist() == [True, False, True]


def test_one_p_value_is_its_own_adjustment_and_none_gives_none():
    assert holm_adjust([0.2]).tolist() == [0.2]
    assert holm_adjust([]).tolist() == []


@pytest.mark.parametrize("seed", range(5))
def test_agrees_with_statsmodels(seed):
    rng = np.random.default_rng(seed)
    p = np.concatenate([rng.uniform(0, 0.05, 7), rng.uniform(0, 1, 21)])  # 28 comparisons, as Compare shows
    p[3] = p[4]  # a tie
    reject, adjusted, _, _ = multipletests(p, alpha=0.05, method="holm")
    np.testing.assert_allclose(holm_adjust(p), adjusted, rtol=1e-12)
    assert holm_reject(p, 0.05).tolist() == reject.tolist()


@pytest.mark.parametrize("bad", [[1.5], [-0.1], [[0.1, 0.2]]])
def test_bad_p_values_are_refused(bad):
    with pytest.raises(ValueError, match="p-values must lie in|one flat sequence"):
        holm_adjust(bad)


def test_a_bad_alpha_is_refused():
    with pytest.raises(ValueError, match="alpha must be between 0 and 1"):
        holm_reject([0.1], alpha=5)
