"""Zero-shot accuracy and text-to-image recall on hand-made embeddings, with a fake text encoder."""

import numpy as np
import pytest

from engine.models.zero_shot import prompt, text_to_image_recall, zero_shot_accuracy

COLORS = ["red", "blue", "green"]


def one_hot(i, dim=3):
    v = np.zeros(dim, np.float32)
    v[i] = 1
    return v


def encode_colors(texts):
    """A fake text encoder: the vector of the first color word in the text (none -> zeros)."""
    out = []
    for t in texts:
        hit = next((i for i, c in enumerate(COLORS) if c in t.split()), None)
        out.append(one_hot(hit) if hit is not None else np.zeros(3, np.float32))
    return np.array(out)


def test_prompts_read_like_the_issue():
    assert prompt("color", "red", "dress") == "a photo of a red dress"
    assert prompt("category", "t-shirt", "t-shirt") == "a photo of a t-shirt"
    assert prompt("material", "organza", "jacket") == "a photo of an organza jacket"


def test_zero_shot_accuracy_counts_nearest_prompts():
    images = np.array([one_hot(0), one_hot(1), one_hot(2), one_hot(0)])
    truth = [{"category": "dress", "color": "red"}, {"category": "dress", "color": "blue"},
             {"category": "hat", "color": "red"}, {"category": "hat", "color": "red"}]
    # items 0, 1 and 3 are nearest their true color's prompt; item 2 (a red hat embedded as green) is not
    assert zero_shot_accuracy(images, truth, "color", COLORS, encode_colors) == pytest.approx(3 / 4)


def test_items_without_the_family_are_left_out_and_none_left_is_an_error():
    images = np.array([one_hot(0), one_hot(1)])
    truth = [{"category": "dress", "color": "red"}, {"category": "dress"}]
    assert zero_shot_accuracy(images, truth, "color", COLORS, encode_colors) == 1.0
    with pytest.raises(ValueError, match="no item has a true 'pattern'"):
        zero_shot_accuracy(images, truth, "pattern", ["solid"], encode_colors)


def test_recall_at_k_per_query_is_capped_by_the_relevant_count():
    # 3 red items, 1 blue; query "red": relevant 3, k=2 -> top-2 are both red -> 2/min(2,3) = 1
    images = np.array([one_hot(0), one_hot(0) * 0.9 + one_hot(1) * 0.1, one_hot(1), one_hot(0) * 0.5])
    truth = [{"color": "red"}, {"color": "red"}, {"color": "blue"}, {"color": "red"}]
    assert text_to_image_recall(images, truth, [{"color": "red"}], encode_colors, k=2) == 1.0
    # query "blue": relevant {2}; top-1 by blue score is item 2 -> 1; top-1 for red is item 0 -> 1
    assert text_to_image_recall(images, truth, [{"color": "blue"}, {"color": "red"}], encode_colors, k=1) == 1.0
    # a mislabelled image: item 2 truly red now, so "blue" has no relevant item -> error names the query
    with pytest.raises(ValueError, match="has no relevant item"):
        text_to_image_recall(images, [{"color": "red"}] * 4, [{"color": "blue"}], encode_colors, k=1)


def test_recall_counts_misses():
    images = np.array([one_hot(1), one_hot(0)])  # item 0 is red but looks blue
    truth = [{"color": "red"}, {"color": "blue"}]
    # query red: top-1 is item 1 (red-looking) which is blue -> 0; query blue: top-1 item 0, red -> 0
    assert text_to_image_recall(images, truth, [{"color": "red"}, {"color": "blue"}], encode_colors, k=1) == 0.0
