"""An image vector cache serves exactly the image files whose bytes it holds, embeds the rest, and refuses another
model's vectors or vectors of the wrong shape."""

import shutil

import numpy as np
import pytest
from PIL import Image

from engine.index.build import build_index, embed_images
from engine.index.columns import IMAGE_VEC
from engine.index.image_vector_cache import (CachedImages, ImageVectors, file_sha256, image_vectors_of,
                                             image_vectors_of_index, load_image_vectors, save_image_vectors)
from engine.index.store import open_items_table, read_columns
from engine.index.text_vector_cache import CachedTexts, TextVectors
from engine.workspace import Workspace
from tests.fakes import FakeClip, FakeText


def _image(path, colour):
    Image.new("RGB", (8, 8), colour).save(path)
    return path


@pytest.fixture
def images(tmp_path):
    return [_image(tmp_path / f"{name}.png", colour) for name, colour in
            (("red", (200, 0, 0)), ("green", (0, 200, 0)), ("blue", (0, 0, 200)))]


def _rows(paths):
    return [{"item_id": p.stem, "image_path": p.name} for p in paths]


def test_hits_come_from_the_cache_misses_from_the_encoder(images, tmp_path):
    clip = FakeClip()
    made, _ = embed_images(clip, tmp_path, _rows(images), progress=False)
    cache = image_vectors_of(clip.identity, images[:2], np.array([made["red"], made["green"]]))
    counting = FakeClip()
    cached = CachedImages(counting, cache)
    out, problems = embed_images(cached, tmp_path, _rows(images), progress=False)
    assert counting.images_seen == 1 and cached.image_hits == 2 and not problems  # only blue reached the model
    assert out.keys() == made.keys()
    for item in made:
        np.testing.assert_array_equal(out[item], made[item])
    assert cached.identity == clip.identity and cached.encode_texts(["a"]).shape == (1, clip.identity.dim)


def test_an_image_whose_bytes_changed_is_a_miss_and_embedded_anew(images, tmp_path):
    clip = FakeClip()
    made, _ = embed_images(clip, tmp_path, _rows(images), progress=False)
    cache = image_vectors_of(clip.identity, images, np.array([made[p.stem] for p in images]))
    _image(images[0], (0, 0, 0))  # same file name, other pixels: another digest
    counting = FakeClip()
    cached = CachedImages(counting, cache)
    out, _ = embed_images(cached, tmp_path, _rows(images), progress=False)
    assert counting.images_seen == 1 and cached.image_hits == 2
    np.testing.assert_array_equal(out["red"], FakeClip().encode_images([Image.open(images[0])])[0])
    assert not np.array_equal(out["red"], made["red"])


def test_an_unreadable_image_is_still_reported(images, tmp_path):
    clip = FakeClip()
    cached = CachedImages(clip, image_vectors_of(clip.identity, [], np.empty((0, clip.identity.dim))))
    images[1].unlink()
    out, problems = embed_images(cached, tmp_path, _rows(images), progress=False)
    assert set(out) == {"red", "blue"} and [item for item, _ in problems] == ["green"]


def test_another_models_cache_is_refused(images):
    clip, other = FakeClip(8), FakeClip(8, name="other-clip")
    cache = image_vectors_of(other.identity, images[:1], other.encode_images([Image.open(images[0])]))
    with pytest.raises(ValueError, match="image vector cache of other-clip.*cannot stand in for fake-clip"):
        CachedImages(clip, cache)
    retrained = FakeClip(8, checkpoint_sha256="cd" * 32)  # same name, another checkpoint
    with pytest.raises(ValueError, match="another model"):
        CachedImages(retrained, image_vectors_of(clip.identity, [], np.empty((0, 8))))


def test_vectors_of_the_wrong_shape_are_refused(images):
    identity = FakeClip(8).identity
    with pytest.raises(ValueError, match=r"shape \(1, 5\); expected \(1, 8\)"):
        ImageVectors.of_digests(identity, [file_sha256(images[0])], np.zeros((1, 5)))
    with pytest.raises(ValueError):  # one vector too few for the files
        image_vectors_of(identity, images[:2], np.zeros((1, 8)))
    with pytest.raises(ValueError, match="32 bytes"):
        ImageVectors.of_digests(identity, [b"short"], np.zeros((1, 8)))


def test_save_load_round_trip_and_a_file_met_twice_keeps_its_first_vector(images, tmp_path):
    clip = FakeClip()
    twin = tmp_path / "twin.png"
    shutil.copyfile(images[0], twin)
    vectors = np.arange(4 * 8, dtype=np.float32).reshape(4, 8)
    cache = image_vectors_of(clip.identity, [*images, twin], vectors)
    assert len(cache.digests) == 3
    save_image_vectors(tmp_path / "v.npz", [cache])
    (loaded,) = load_image_vectors(tmp_path / "v.npz")
    assert loaded.identity == clip.identity and loaded.digests.tolist() == cache.digests.tolist()
    np.testing.assert_array_equal(loaded.vectors, vectors[:3])
    assert isinstance(loaded, TextVectors)  # the same digest -> vector cache as the texts'


def test_an_index_built_from_its_own_image_cache_embeds_no_image_and_stores_the_same_vectors(ingested_workspace,
                                                                                             tmp_path):
    """The cache read back from an index (what the demo bundle ships) gives a second index the first's vectors;
    the text cache wrapped around it still works."""
    first, second = (Workspace(tmp_path / name) for name in ("first", "second"))
    for ws in (first, second):
        shutil.copytree(ingested_workspace.root, ws.root)
    build_index(first, FakeClip(), FakeText())
    cache = image_vectors_of_index(open_items_table(first), first.root)
    clip, text = FakeClip(), FakeText()
    wrapped = CachedTexts(CachedImages(clip, cache), TextVectors.of(clip.identity, [], np.empty((0, 8))),
                          "encode_texts")
    report = build_index(second, wrapped, text)
    assert clip.images_seen == 0 and wrapped.image_hits == report.embedded_images == report.items
    vectors = [{r["item_id"]: r[IMAGE_VEC] for r in read_columns(open_items_table(ws), ["item_id", IMAGE_VEC])
                .to_pylist()} for ws in (first, second)]
    assert vectors[0] == vectors[1]
