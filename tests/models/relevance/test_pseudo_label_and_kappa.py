"""Pseudo-label thresholds, QWK by hand and against scikit-learn, the rater ceiling and the agreement table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.models.relevance.agreement import agreement_by_rater
from engine.models.relevance.evaluate import quadratic_weighted_kappa, rater_ceiling
from engine.models.relevance.pseudo_label import confident_labels, unjudged_pairs

PROBS = np.array([[0.7, 0.1, 0.1, 0.05, 0.05],   # max 0.7 exactly at the threshold: kept (inclusive)
                  [0.1, 0.2, 0.3, 0.2, 0.2],     # max 0.3: dropped
                  [0.0, 0.0, 0.05, 0.05, 0.9],   # kept as grade 4
                  [0.0, 0.0, 0.35, 0.0, 0.65]])  # just under: dropped


def test_threshold_is_inclusive_and_labels_are_the_argmax():
    kept, labels = confident_labels(PROBS, 0.7)
    assert kept.tolist() == [0, 2] and labels.tolist() == [0, 4]
    assert confident_labels(PROBS, 0.0)[0].tolist() == [0, 1, 2, 3]
    assert confident_labels(PROBS, 0.9)[0].tolist() == [2]
    assert confident_labels(PROBS, 1.0)[0].tolist() == []


def test_a_tie_takes_the_lower_grade():
    assert confident_labels([[0.0, 0.5, 0.5, 0.0, 0.0]], 0.5)[1].tolist() == [1]


@pytest.mark.parametrize("bad, threshold, match", [
    (PROBS, 1.5, r"\[0, 1\]"), (PROBS[0], 0.5, "shape"), ([[0.5, 0.6]], 0.5, "sum to 1")])
def test_bad_pseudo_label_input_is_refused(bad, threshold, match):
    with pytest.raises(ValueError, match=match):
        confident_labels(bad, threshold)


def test_unjudged_pairs_drop_judged_and_repeated_pairs():
    assert unjudged_pairs([("q", "a"), ("q", "b"), ("q", "a"), ("r", "a")], [("q", "b")]) == [("q", "a"), ("r", "a")]


def test_qwk_on_a_hand_computed_case():
    # a = [0, 1, 2], b = [0, 2, 2], grades 0..2: O has 1 at (0,0), (1,2), (2,2); weights (i-j)^2/4.
    # sum w*O = 1/4 (the one miss, 1 vs 2). Marginals a = (1,1,1), b = (1,0,2); E = outer(a, b) / 3.
    a, b = [0, 1, 2], [0, 2, 2]
    w = np.array([[(i - j) ** 2 / 4 for j in range(3)] for i in range(3)])
    e = np.outer([1, 1, 1], [1, 0, 2]) / 3
    assert quadratic_weighted_kappa(a, b, grades=3) == pytest.approx(1 - 0.25 / (w * e).sum())
    assert quadratic_weighted_kappa([0, 1, 4], [0, 1, 4]) == pytest.approx(1.0)
    assert np.isnan(quadratic_weighted_kappa([2, 2], [2, 2]))


def test_qwk_matches_scikit_learn():
    from sklearn.metrics import cohen_kappa_score

    rng = np.random.default_rng(0)
    a = rng.integers(0, 5, 200)
    b = np.clip(a + rng.integers(-1, 2, 200), 0, 4)
    assert quadratic_weighted_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b, weights="quadratic"))


JUDGMENTS = pd.DataFrame({"query_id": ["q"] * 6, "item_id": ["a", "a", "a", "b", "b", "c"],
                          "rater_id": ["r1", "r2", "r3", "r1", "r2", "r1"], "label": [4, 3, 4, 0, 1, 2]})


def test_rater_ceiling_compares_each_judgment_with_the_others_lower_median():
    # a: r1 4 vs median(3,4)=3, r2 3 vs 4, r3 4 vs median(4,3)=3; b: 0 vs 1, 1 vs 0; c has one rater: skipped
    got = rater_ceiling(JUDGMENTS)
    labels, others = [4, 3, 4, 0, 1], [3, 4, 3, 1, 0]
    assert got["n"] == 5 and got["accuracy"] == 0.0
    assert got["qwk"] == pytest.approx(quadratic_weighted_kappa(labels, others))


def test_agreement_by_rater_puts_model_and_rater_kappa_side_by_side():
    predicted = {("q", "a"): 4, ("q", "b"): 0}
    table = agreement_by_rater(JUDGMENTS, predicted).set_index("rater_id")
    assert table.loc["r1", "n"] == 2 and table.loc["r1", "model_kappa"] == pytest.approx(1.0)
    assert table.loc["r2", "model_kappa"] == pytest.approx(quadratic_weighted_kappa([3, 1], [4, 0]))
    assert table.loc["r1", "n_shared"] == 2  # c has no other rater
    assert table.loc["r1", "rater_vs_others_kappa"] == pytest.approx(quadratic_weighted_kappa([4, 0], [3, 1]))
