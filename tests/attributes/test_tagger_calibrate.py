"""Threshold calibration of the tagger on hand-made score tables."""

import math

import numpy as np
import pytest

from engine.attributes.tagger_calibrate import (NEVER, Calibration, calibrate, family_observed, fit_slope,
                                                threshold_for_precision)


@pytest.mark.parametrize("scores, labels, target, expected", [
    # precision of the top k: 1, 1, 2/3, 3/4, 3/5 -> the largest k with precision >= target
    ([0.9, 0.8, 0.7, 0.6, 0.5], [1, 1, 0, 1, 0], 0.75, 0.6),
    ([0.9, 0.8, 0.7, 0.6, 0.5], [1, 1, 0, 1, 0], 0.8, 0.8),
    ([0.5, 0.6, 0.9, 0.7, 0.8], [0, 1, 1, 0, 1], 0.75, 0.6),  # order of input does not matter
    # the tie at 0.8 is assigned together: top 3 has precision 2/3 < 0.9, so the cut stays above it
    ([0.9, 0.8, 0.8, 0.5], [1, 1, 0, 0], 0.9, 0.9),
    ([0.9, 0.1], [0, 1], 0.8, None),  # precision never reaches the target
    ([0.9, 0.1], [0, 0], 0.5, None),  # no positives
])
def test_threshold_for_precision(scores, labels, target, expected):
    got = threshold_for_precision(np.array(scores), np.array(labels), target)
    assert got == expected if expected is None else got == pytest.approx(expected)


def test_threshold_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="same shape"):
        threshold_for_precision(np.zeros(3), np.zeros(2), 0.8)


def hand_table():
    # columns: a0 (family f), a1 (family f, no positives), a2 (family g, no positives anywhere in g)
    scores = np.array([[0.9, 0.3, 0.1],
                       [0.5, 0.6, 0.2],
                       [0.4, 0.7, 0.3],
                       [0.1, 0.2, 0.95]])
    labels = np.array([[1, 0, 0], [1, 0, 0], [0, 0, 0], [0, 0, 0]])
    return scores, labels, ["f", "f", "g"]


def test_calibrate_blends_own_threshold_with_family_by_support():
    scores, labels, families = hand_table()
    c = calibrate(scores, labels, families, target=0.8, smoothing_support=2.0)
    # a0 alone: top 2 both positive -> 0.5. Family f pooled: 0.9(+), 0.7, 0.6, 0.5(+), ... -> only the top 1 -> 0.9
    assert c.own == [pytest.approx(0.5), None, None]
    assert c.family_thresholds == {"f": pytest.approx(0.9), "g": None}
    assert c.support == [2, 0, 0]
    w = 2 / (2 + 2.0)
    assert c.thresholds[0] == pytest.approx(w * 0.5 + (1 - w) * 0.9)  # 0.7
    assert c.thresholds[1] == pytest.approx(0.9)  # no support: the family's threshold
    # family g has no positives and the global pool never reaches 0.8 precision (0.95 is a negative): never assign
    assert c.global_threshold is None and c.thresholds[2] == pytest.approx(NEVER)


def test_long_tail_rare_attribute_leans_on_the_family_frequent_one_on_itself():
    rng = np.random.default_rng(0)
    n = 400
    scores = rng.uniform(0, 1, (n, 2))
    labels = np.zeros((n, 2), dtype=int)
    labels[:, 0] = scores[:, 0] > 0.3  # frequent: own threshold ~0.3
    scores[:, 1] *= 0.5  # the tail scores low (long-tail smoothing) ...
    scores[7, 1] = 0.6  # ... its one positive scores highest: its own threshold is 0.6
    labels[7, 1] = 1
    c = calibrate(scores, labels, ["f", "f"], target=0.8, smoothing_support=20.0)
    own_rare, fam = c.own[1], c.family_thresholds["f"]
    assert own_rare == pytest.approx(0.6) and fam < 0.5
    n0 = labels[:, 0].sum()
    assert c.thresholds[0] == pytest.approx(n0 / (n0 + 20) * c.own[0] + 20 / (n0 + 20) * fam)
    assert c.thresholds[1] == pytest.approx(1 / 21 * own_rare + 20 / 21 * fam)
    assert abs(c.thresholds[0] - c.own[0]) < abs(c.thresholds[1] - own_rare)


def test_unreachable_attribute_with_positives_moves_toward_never_by_support():
    scores = np.array([[0.9, 0.8], [0.1, 0.2], [0.2, 0.1]])
    labels = np.array([[0, 1], [1, 0], [0, 0]])
    c = calibrate(scores, labels, ["f", "f"], target=0.8, smoothing_support=1.0)
    # a0: its one positive scores below a negative -> unreachable; family pool: 0.9(-), 0.8(+) ... -> None;
    # global = family here -> fallback is NEVER too, so the blend is NEVER
    assert c.own[0] is None and c.thresholds[0] == pytest.approx(NEVER)
    assert c.own[1] == pytest.approx(0.8)


def test_observed_mask_ignores_items_whose_family_was_never_extracted():
    scores = np.array([[0.9, 0.1], [0.8, 0.2], [0.95, 0.0]])
    labels = np.array([[1, 0], [1, 0], [0, 0]])  # item 2: no positive of family f at all
    families = ["f", "f"]
    observed = family_observed(labels, families)
    assert observed.tolist() == [[True, True], [True, True], [False, False]]
    assert calibrate(scores, labels, families, target=0.8).own[0] is None  # 0.95 counts as a false positive
    assert calibrate(scores, labels, families, target=0.8, observed=observed).own[0] == pytest.approx(0.8)


def test_confidence_is_target_at_threshold_and_monotone():
    c = Calibration(0.8, [0.5, 0.2], [0.5, 0.2], [3, 3], {"f": 0.5}, 0.5, 10.0)
    conf = c.confidence(np.array([[0.5, 0.2], [0.6, 0.1]]))
    assert conf[0] == pytest.approx([0.8, 0.8])
    assert conf[1, 0] == pytest.approx(1 / (1 + math.exp(-(math.log(4) + 1.0))))
    assert conf[1, 1] < 0.8 < conf[1, 0]


def test_fit_slope_is_steeper_for_separable_labels():
    margins = np.linspace(-0.5, 0.5, 101)
    separable = fit_slope(margins, margins >= 0, 0.8)
    noisy = fit_slope(margins, np.random.default_rng(0).random(101) < 0.5, 0.8)
    assert separable > 10 * noisy


def test_calibrate_errors_name_the_problem():
    with pytest.raises(ValueError, match="one shape"):
        calibrate(np.zeros((2, 2)), np.zeros((2, 3)), ["f", "f"])
    with pytest.raises(ValueError, match="target precision"):
        calibrate(np.zeros((2, 2)), np.zeros((2, 2)), ["f", "f"], target=1.0)
    with pytest.raises(ValueError, match="no held-out items"):
        calibrate(np.zeros((0, 2)), np.zeros((0, 2)), ["f", "f"])


def test_a_threshold_set_by_a_held_out_score_still_admits_that_score():
    """Found with an EfficientNet-Lite0 sample model: red's own threshold and the color family's were both the
    float32 score 0.70297438 of one held-out item; blending them (weight 1/6) rounded one ulp above it, so
    assignment rejected the very item calibration had counted as assigned."""
    import numpy as np

    from engine.attributes.tagger_calibrate import calibrate

    score = float(np.float32(0.7029743790626526))
    scores = np.array([[0.894, 0.1], [score, 0.1], [0.480, 0.1]])
    labels = np.array([[True, False], [False, False], [False, False]])
    observed = np.array([[True, False]] * 3)
    calibration = calibrate(scores, labels, ["color", "color"], target=0.5, smoothing_support=5.0, observed=observed)
    assert calibration.own[0] == score and calibration.family_thresholds["color"] == score
    assert 1 / 6 * score + 5 / 6 * score > score  # the rounding the clamp guards against
    assert calibration.thresholds[0] == score and score >= calibration.thresholds[0]
