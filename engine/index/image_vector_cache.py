"""Image vectors computed before, looked up by the model that made them and the image file's exact bytes.

The image half of engine/index/text_vector_cache.py: the same cache (one model identity; 32-byte digest ->
vector), here keyed by the SHA-256 of the image file's bytes. `CachedImages` wraps an image-text encoder so
that the index's image step (engine/index/build.py `embed_images`) takes a cached vector for every image
file whose bytes it holds and decodes and embeds the rest as before. A cache of another model (name,
checkpoint hash or dimension) is refused, and any changed byte of an image misses, so a stale cache costs
time, never a wrong vector. The cached vectors are the index's own: `image_vectors_of_index` reads them back
from an index's `image_vec` column with the file digests of the images it embedded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from engine.index.text_vector_cache import TextVectors, load_text_vectors, save_text_vectors

ImageVectors = TextVectors  # one model's vectors by digest: here the SHA-256 of each image file's bytes
save_image_vectors = save_text_vectors  # several models' caches in one .npz
load_image_vectors = load_text_vectors


def file_sha256(path: Path) -> bytes:
    """The 32-byte digest an image file is cached under: of its bytes, whatever the format."""
    return hashlib.sha256(Path(path).read_bytes()).digest()


def image_vectors_of(identity, paths: Sequence[Path], vectors: np.ndarray) -> ImageVectors:
    """The cache of `vectors[i]` (made by the model `identity`) under the digest of the file `paths[i]`.

    An image file met twice (two items with the same bytes) keeps its first vector."""
    digests, rows = [], []
    seen: set[bytes] = set()
    for row, path in enumerate(paths):
        digest = file_sha256(path)
        if digest not in seen:
            seen.add(digest)
            digests.append(digest)
            rows.append(row)
    vectors = np.asarray(vectors, dtype=np.float32).reshape(len(paths), identity.dim)
    return ImageVectors.of_digests(identity, digests, vectors[rows])


def image_vectors_of_index(table, root: Path) -> ImageVectors:
    """An index's image vectors (its `image_vec` column, under the model the index recorded for it) by the
    digest of each item's image file under `root` (the workspace folder) as it is now."""
    from engine.index.columns import IMAGE_VEC, recorded_identity
    from engine.index.store import read_columns

    identity = recorded_identity(table.schema, IMAGE_VEC)
    if identity is None:
        raise ValueError("this index has no image vectors yet (no model recorded for image_vec)")
    rows = [r for r in read_columns(table, ["image_path", IMAGE_VEC]).to_pylist() if r[IMAGE_VEC] is not None]
    vectors = np.asarray([r[IMAGE_VEC] for r in rows], np.float32).reshape(len(rows), identity.dim)
    return image_vectors_of(identity, [Path(root) / r["image_path"] for r in rows], vectors)


class CachedImages:
    """Wraps an image-text encoder so that the index takes cached image vectors (`cached_image_vector`).

    Every other attribute is the wrapped encoder's (its identity, `encode_images`, `encode_texts`), so it can
    be wrapped again by text_vector_cache.CachedTexts. `image_hits` counts images served from the cache.
    """

    def __init__(self, encoder, cache: ImageVectors):
        if cache.identity != encoder.identity:
            raise ValueError(f"an image vector cache of {cache.identity.key()} cannot stand in for "
                             f"{encoder.identity.key()}; the cache is for another model")
        self._encoder, self._cache = encoder, cache
        self._index = cache.lookup()
        self.image_hits = 0

    def __getattr__(self, name):
        return getattr(self._encoder, name)

    def cached_image_vector(self, path: Path) -> np.ndarray | None:
        """The cached vector of the image file at `path` (by its bytes), or None: not cached, or unreadable
        (the index then opens it as usual, and reports it if it cannot)."""
        try:
            row = self._index.get(file_sha256(path))
        except OSError:
            return None
        if row is None:
            return None
        self.image_hits += 1
        return self._cache.vectors[row].copy()
