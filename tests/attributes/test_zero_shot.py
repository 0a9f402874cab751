"""Zero-shot tagging on hand-made embeddings with a fake text encoder."""

import numpy as np
import pytest

from engine.attributes.zero_shot import ZeroShotTagger

VALUES = {"category": ["dress", "hat"], "color": ["red", "blue"]}
WORDS = ["dress", "hat", "red", "blue"]


def encode(texts):
    """Each text is the normalised sum of one-hot vectors of the known words in it."""
    out = np.zeros((len(texts), len(WORDS)), np.float32)
    for i, t in enumerate(texts):
        for j, w in enumerate(WORDS):
            out[i, j] = float(w in t.split())
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def unit(v):
    v = np.asarray(v, np.float32)
    return v / np.linalg.norm(v)


def test_category_first_then_each_family_given_the_category():
    tagger = ZeroShotTagger(encode, VALUES, families=("category", "color"), product_type="category")
    images = np.stack([unit([1, 0, 1, 0]), unit([0, 1, 0, 1])])  # a red dress, a blue hat
    tags = tagger.tag(images)
    assert [(t["category"].value, t["color"].value) for t in tags] == [("dress", "red"), ("hat", "blue")]
    # the red dress: category logits 100*[1/sqrt2, 0] -> softmax of (70.7, 0) ~ 1.0
    assert tags[0]["category"].confidence == pytest.approx(1.0)


def test_confidence_is_the_softmax_at_the_temperature():
    tagger = ZeroShotTagger(encode, VALUES, families=("category", "color"), product_type="category", temperature=1.0)
    tags = tagger.tag(unit([1, 0, 0.5, 0.5]))
    # color prompts "a photo of a red dress" = unit([1,0,1,0]), "... blue dress" = unit([1,0,0,1]): equal scores
    assert tags[0]["color"].confidence == pytest.approx(0.5)
    image = unit([1, 0, 0.5, 0.5])
    cat_scores = np.array([image @ unit([1, 0, 0, 0]), image @ unit([0, 1, 0, 0])])
    expected = np.exp(cat_scores[0]) / np.exp(cat_scores).sum()
    assert tags[0]["category"].confidence == pytest.approx(expected)


def test_families_without_values_are_refused():
    with pytest.raises(ValueError, match=r"no values for the families \['pattern'\]"):
        ZeroShotTagger(encode, VALUES, families=("category", "pattern"))
    with pytest.raises(ValueError, match="the product type family 'item' has no values"):
        ZeroShotTagger(encode, {"color": ["red", "blue"]}, product_type="item")


def test_without_a_product_type_each_family_is_read_on_its_own():
    """A vocabulary with no product type (a user's colour/material-only catalog): "a photo of a red product"."""
    words = ["red", "blue", "product"]

    def encode_words(texts):
        out = np.array([[float(w in t.split()) for w in words] for t in texts], np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    tagger = ZeroShotTagger(encode_words, {"color": ["red", "blue"]})
    tags = tagger.tag(np.stack([unit([0, 1, 1]), unit([1, 0, 1])]))
    assert [t["color"].value for t in tags] == ["blue", "red"]
    assert set(tags[0]) == {"color"}
