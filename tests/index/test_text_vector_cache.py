"""A text vector cache serves exactly the texts it holds, embeds the rest, and refuses another model's vectors."""

import numpy as np
import pytest

from engine.index.text_vector_cache import (CachedTexts, TextVectors, cache_for, load_text_vectors,
                                            save_text_vectors)
from tests.fakes import FakeClip, FakeText


def test_hits_come_from_the_cache_misses_from_the_encoder_in_input_order():
    text = FakeText()
    cache = TextVectors.of(text.identity, ["red dress", "blue hat"], text.encode(["red dress", "blue hat"]))
    text.texts_seen = 0
    cached = CachedTexts(text, cache, "encode")
    texts = ["blue hat", "green scarf", "red dress", "green scarf"]
    out = cached.encode(texts)
    assert text.texts_seen == 2 and cached.hits == 2  # only the two misses reached the model
    np.testing.assert_array_equal(out, FakeText().encode(texts))  # same vectors, same order as uncached
    assert cached.identity == text.identity and cached.encode([]).shape == (0, text.identity.dim)


def test_a_wrapped_clip_still_embeds_images_with_the_wrapped_model():
    clip = FakeClip(8)
    cached = CachedTexts(clip, TextVectors.of(clip.identity, [], np.empty((0, 8))), "encode_texts")
    assert cached.encode_images is not None and cached.encode_images.__self__ is clip
    np.testing.assert_array_equal(cached.encode_texts(["a"]), FakeClip(8).encode_texts(["a"]))


def test_another_models_cache_is_refused_and_not_found():
    text, other = FakeText(dim=6), FakeText(dim=6, name="other-text")
    cache = TextVectors.of(other.identity, ["a"], other.encode(["a"]))
    with pytest.raises(ValueError, match="cannot stand in for fake-text.*another model"):
        CachedTexts(text, cache, "encode")
    assert cache_for(text.identity, [cache]) is None and cache_for(other.identity, [cache]) is cache


def test_a_digest_ending_in_zero_bytes_is_kept_whole(tmp_path):
    """numpy's "S32" strings drop trailing zero bytes, which lost 1 text in 80 before digests were uint8."""
    text = FakeText()
    texts = [f"text {n}" for n in range(2000)]
    ending_in_zero = [t for t in texts if __import__("hashlib").sha256(t.encode()).digest()[-1] == 0]
    assert ending_in_zero  # about 1 in 256
    save_text_vectors(tmp_path / "v.npz", [TextVectors.of(text.identity, texts, text.encode(texts))])
    cached = CachedTexts(text, load_text_vectors(tmp_path / "v.npz")[0], "encode")
    text.texts_seen = 0
    cached.encode(ending_in_zero)
    assert text.texts_seen == 0 and cached.hits == len(ending_in_zero)


def test_vectors_of_the_wrong_shape_are_refused():
    with pytest.raises(ValueError, match=r"shape \(1, 5\); expected \(1, 6\)"):
        TextVectors.of(FakeText(dim=6).identity, ["a"], np.zeros((1, 5)))


def test_save_and_load_round_trip_several_models(tmp_path):
    text, clip = FakeText(), FakeClip(8)
    caches = [TextVectors.of(m.identity, ["a", "b"], v) for m, v in
              ((clip, clip.encode_texts(["a", "b"])), (text, text.encode(["a", "b"])))]
    save_text_vectors(tmp_path / "v.npz", caches)
    loaded = load_text_vectors(tmp_path / "v.npz")
    assert [c.identity for c in loaded] == [clip.identity, text.identity]
    for before, after in zip(caches, loaded):
        np.testing.assert_array_equal(before.vectors, after.vectors)
        assert before.digests.tolist() == after.digests.tolist()
