import numpy as np
import pytest

from engine.models.engagement.propensity import PropensityError, estimate_propensities, ipw_weights


def synthetic_log(seed=0, pairs=8000, shows=20, power=0.7):
    """Pairs with a hidden relevance, shown at uniformly random positions, engaged = examined and relevant."""
    rng = np.random.default_rng(seed)
    gamma = rng.uniform(0.1, 0.9, pairs)
    pair = np.repeat(np.arange(pairs), shows)
    position = rng.integers(1, 11, len(pair))
    theta = np.arange(1, 11) ** -power
    engaged = rng.random(len(pair)) < theta[position - 1] * gamma[pair]
    return position, engaged, pair, theta


def test_recovers_known_propensities():
    position, engaged, pair, theta = synthetic_log()
    estimate = estimate_propensities(position, engaged, pair)
    assert estimate[0] == 1.0
    np.testing.assert_allclose(estimate, theta / theta[0], atol=0.05)


def test_relevance_correlated_with_position_is_not_mistaken_for_bias():
    # the logging ranker puts relevant pairs high; the naive rate by position would fall much faster than theta
    rng = np.random.default_rng(1)
    pairs, shows = 3000, 12
    gamma = rng.uniform(0.05, 0.95, pairs)
    base = np.clip(np.round(10 - 9 * gamma), 1, 10).astype(int)  # relevant -> near the top
    pair = np.repeat(np.arange(pairs), shows)
    position = np.clip(base[pair] + rng.integers(-1, 2, len(pair)), 1, 10)  # neighbour swaps
    theta = np.arange(1, 11) ** -0.5
    engaged = rng.random(len(pair)) < theta[position - 1] * gamma[pair]
    naive = np.array([engaged[position == k].mean() for k in range(1, 11)])
    estimate = estimate_propensities(position, engaged, pair)
    np.testing.assert_allclose(estimate, theta, atol=0.08)
    assert naive[-1] / naive[0] < 0.5 * theta[-1]  # the naive curve is badly confounded


def test_pairs_seen_at_one_position_only_cannot_be_used():
    with pytest.raises(PropensityError, match="neighbouring positions"):
        estimate_propensities(np.array([1, 2, 1, 2]), np.array([1, 0, 0, 1]), np.array(["a", "b", "a", "b"]))


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="1-based"):
        estimate_propensities(np.array([0, 1]), np.array([1, 0]), np.array([0, 0]))
    with pytest.raises(ValueError, match="equally long"):
        estimate_propensities(np.array([1, 2]), np.array([1]), np.array([0, 0]))


def test_ipw_weights_are_inverse_propensities_clipped():
    propensities = np.array([1.0, 0.5, 0.25, 0.05])
    w = ipw_weights(np.array([1, 2, 3, 4, 2]), propensities, max_weight=10.0)
    np.testing.assert_allclose(w, [1.0, 2.0, 4.0, 10.0, 2.0])  # 1 / 0.05 = 20 is clipped to 10
    np.testing.assert_allclose(ipw_weights(np.array([3]), propensities, max_weight=3.0), [3.0])


def test_ipw_weights_reject_bad_settings():
    with pytest.raises(ValueError, match="at least 1"):
        ipw_weights(np.array([1]), np.array([1.0]), max_weight=0.5)
    with pytest.raises(ValueError, match="positions must be 1..2"):
        ipw_weights(np.array([3]), np.array([1.0, 0.5]))
