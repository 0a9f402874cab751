"""kNN purity: the share of each item's nearest neighbours that share its label."""

import numpy as np

from engine.models.sample_quality import knn_purity


def test_purity_of_a_hand_made_layout():
    # Two tight clusters a, b; the third "a" sits in b's cluster: its neighbour (k=1) is a "b".
    vecs = np.array([[1, 0.01], [1, 0.02], [0.01, 1], [0.02, 1], [0.03, 1]], dtype=np.float32)
    labels = ["a", "a", "b", "b", "a"]
    # neighbours: 0->1 (a ok), 1->0 ok, 2->3 ok, 3->2 or 4, 4->3 (b, wrong)
    purity = knn_purity(vecs, labels, k=1)
    nearest_3 = 4 if vecs[3] @ vecs[4] / np.linalg.norm(vecs[4]) > vecs[3] @ vecs[2] / np.linalg.norm(vecs[2]) else 2
    expected = (1 + 1 + 1 + (labels[nearest_3] == "b") + 0) / 5
    assert purity == expected


def test_unlabelled_items_are_left_out_and_too_few_is_nan():
    vecs = np.eye(3, dtype=np.float32)
    assert knn_purity(vecs, ["a", None, "a"], k=1) == 1.0
    assert np.isnan(knn_purity(vecs, ["a", None, None], k=1))
