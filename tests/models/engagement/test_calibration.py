import itertools

import numpy as np
import pytest

from engine.models.engagement.calibration import expected_calibration_error, reliability_plot, reliability_table
from engine.models.engagement.evaluate import evaluate, log_loss, weighted_auc


def test_bins_of_a_hand_made_case():
    predicted = np.array([0.05, 0.15, 0.12, 0.95, 1.0])
    targets = np.array([0.0, 1.0, 0.0, 2.0, 1.0])  # IPW-corrected: an engagement at a half-examined position is 2
    table = reliability_table(predicted, targets, bins=10)
    assert [(b.low, b.count) for b in table] == [(0.0, 1), (0.1, 2), (0.9, 2)]  # 1.0 falls in the last bin
    assert table[1].mean_predicted == pytest.approx(0.135) and table[1].observed == pytest.approx(0.5)
    assert table[2].mean_predicted == pytest.approx(0.975) and table[2].observed == pytest.approx(1.5)
    expected = 1 / 5 * 0.05 + 2 / 5 * abs(0.135 - 0.5) + 2 / 5 * abs(0.975 - 1.5)
    assert expected_calibration_error(table) == pytest.approx(expected)


def test_perfectly_calibrated_bins_have_zero_ece():
    table = reliability_table(np.array([0.25, 0.25, 0.25, 0.25]), np.array([1.0, 0.0, 0.0, 0.0]), bins=4)
    assert expected_calibration_error(table) == pytest.approx(0.0)


def test_bad_inputs():
    with pytest.raises(ValueError, match="probabilities"):
        reliability_table(np.array([1.2]), np.array([1.0]))
    with pytest.raises(ValueError, match="one target each"):
        reliability_table(np.array([0.2]), np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match="empty"):
        expected_calibration_error([])


def test_plot_has_the_diagonal_and_the_model():
    fig = reliability_plot(reliability_table(np.array([0.1, 0.8]), np.array([0.0, 1.0])))
    assert [t.name for t in fig.data] == ["perfect", "model"]
    assert list(fig.data[1].x) == pytest.approx([0.1, 0.8])


def brute_auc(scores, labels, weights):
    num = den = 0.0
    for i, j in itertools.product(range(len(scores)), repeat=2):
        if labels[i] and not labels[j]:
            w = weights[i] * weights[j]
            den += w
            num += w * (1.0 if scores[i] > scores[j] else 0.5 if scores[i] == scores[j] else 0.0)
    return num / den


def test_weighted_auc_matches_the_pairwise_oracle():
    rng = np.random.default_rng(3)
    scores = rng.integers(0, 5, 40) / 4.0  # ties on purpose
    labels = rng.random(40) < 0.4
    weights = rng.uniform(0.5, 3.0, 40)
    assert weighted_auc(scores, labels, weights) == pytest.approx(brute_auc(scores, labels, weights))
    assert weighted_auc(scores, labels) == pytest.approx(brute_auc(scores, labels, np.ones(40)))
    with pytest.raises(ValueError, match="both"):
        weighted_auc(scores, np.ones(40, bool))


def test_evaluate_uses_ipw_targets():
    predicted, engaged, weights = np.array([0.5, 0.5]), np.array([True, False]), np.array([2.0, 1.0])
    m = evaluate(predicted, engaged, weights)
    assert m["ipw_log_loss"] == pytest.approx(np.mean([-2 * np.log(0.5) + np.log(0.5), -np.log(0.5)]))
    assert m["auc"] == 0.5 and m["ece"] == pytest.approx(abs(0.5 - 1.0))
    assert log_loss(np.array([0.9]), np.array([1.0])) == pytest.approx(-np.log(0.9))
