"""Recall@k, per-family precision/recall and the label distribution on hand-checked tiny cases."""

import math

import numpy as np
import pytest

from engine.attributes.tagger_eval import family_precision_recall, label_distribution, recall_at_k


def test_recall_at_k_hand_case():
    scores = np.array([[0.9, 0.1, 0.5, 0.3],
                       [0.1, 0.2, 0.3, 0.4]])
    truth = [{0, 1}, {3}]
    # item 0: top 2 = {0, 2} -> 1 of 2; item 1: top 2 = {3, 2} -> 1 of 1
    assert recall_at_k(scores, truth, k=2) == pytest.approx((1 / 2 + 1) / 2)
    assert recall_at_k(scores, truth, k=4) == pytest.approx(1.0)
    assert recall_at_k(scores, truth, k=10) == pytest.approx(1.0)  # k beyond the vocabulary: every column


def test_recall_at_k_skips_items_without_truth_and_brute_force_agrees():
    rng = np.random.default_rng(1)
    scores = rng.random((30, 12))
    truth = [set(rng.choice(12, size=rng.integers(0, 4), replace=False).tolist()) for _ in range(30)]
    brute = [len(t & set(sorted(range(12), key=lambda j: -s[j])[:5])) / len(t) for s, t in zip(scores, truth) if t]
    assert recall_at_k(scores, truth, 5) == pytest.approx(sum(brute) / len(brute))
    assert math.isnan(recall_at_k(scores[:1], [set()], 5))
    with pytest.raises(ValueError, match="truth sets"):
        recall_at_k(scores, truth[:3], 5)


def test_family_precision_recall():
    assigned = [[("color", "red"), ("color", "blue"), ("category", "dress")],
                [("color", "red")],
                []]
    truth = [{"color": "red", "category": "dress"}, {"color": "green"}, {"color": "blue", "category": "hat"}]
    got = family_precision_recall(assigned, truth, ["color", "category", "season"])
    assert got["color"] == {"precision": 1 / 3, "recall": 1 / 3, "assigned": 3, "true": 3}
    assert got["category"] == {"precision": 1.0, "recall": 1 / 2, "assigned": 1, "true": 2}
    assert math.isnan(got["season"]["precision"]) and math.isnan(got["season"]["recall"])


def test_label_distribution():
    pairs = [("a", "color", "red"), ("a", "color", "red"), ("a", "category", "dress"),
             ("b", "color", "red"), ("b", "style", "boho-chic")]
    assert label_distribution(pairs) == {"distinct": 3, "mean_per_product": 2.0, "items_with_labels": 2}
    assert label_distribution(pairs, items=4)["mean_per_product"] == pytest.approx(1.0)
    assert label_distribution([], items=3) == {"distinct": 0, "mean_per_product": 0.0, "items_with_labels": 0}
