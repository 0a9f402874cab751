"""Text vectors computed before, looked up by the model that made them and the exact text.

Embedding item texts is the slow part of indexing on a CPU (MiniLM runs about 30 texts of 90 tokens per
second on 2 cores). A cache holds, for one model identity, the vector of each text by the SHA-256 of the
text; an encoder wrapped with it embeds only the texts it lacks. A cache made by another model (another
checkpoint hash or dimension) is never used: `CachedTexts` refuses it, so a stale cache costs time, never
a wrong vector.

The cache itself maps any 32-byte digest to a vector: engine/index/image_vector_cache.py keeps image vectors
in it by the SHA-256 of the image file's bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.models.identity import ModelIdentity


def text_sha256(text: str) -> bytes:
    """The 32-byte digest a text is cached under."""
    return hashlib.sha256(str(text).encode("utf-8")).digest()


@dataclass(frozen=True)
class TextVectors:
    """The vectors one model gave a set of texts: `digests[i]` (32 bytes) -> `vectors[i]`."""

    identity: ModelIdentity
    digests: np.ndarray  # (n, 32) uint8 (not numpy's "S32", which drops a digest's trailing zero bytes)
    vectors: np.ndarray  # (n, dim) float32

    def __post_init__(self):
        if self.digests.shape != (len(self.digests), 32) or self.digests.dtype != np.uint8:
            raise ValueError(f"cached digests of {self.identity.key()} must be a (n, 32) uint8 array, not "
                             f"{self.digests.dtype} {self.digests.shape}")
        if self.vectors.ndim != 2 or self.vectors.shape != (len(self.digests), self.identity.dim):
            raise ValueError(f"cached vectors of {self.identity.key()} have shape {self.vectors.shape}; expected "
                             f"({len(self.digests)}, {self.identity.dim})")

    @classmethod
    def of(cls, identity: ModelIdentity, texts: Sequence[str], vectors: np.ndarray) -> TextVectors:
        return cls.of_digests(identity, [text_sha256(t) for t in texts], vectors)

    @classmethod
    def of_digests(cls, identity: ModelIdentity, digests: Sequence[bytes], vectors: np.ndarray) -> TextVectors:
        """The cache of `vectors[i]` under the 32-byte `digests[i]` (of a text, an image file: whatever is cached)."""
        if any(len(d) != 32 for d in digests):
            raise ValueError("a cache digest is 32 bytes (a SHA-256)")
        digests = np.frombuffer(b"".join(digests), np.uint8).reshape(len(digests), 32)
        return cls(identity, digests, np.asarray(vectors, dtype=np.float32))

    def lookup(self) -> dict[bytes, int]:
        return {d.tobytes(): i for i, d in enumerate(self.digests)}


def save_text_vectors(path: Path, caches: Sequence[TextVectors]) -> None:
    """One .npz file holding the caches of several models (each under its position) and their identities."""
    arrays = {}
    for i, cache in enumerate(caches):
        arrays[f"digests_{i}"] = cache.digests
        arrays[f"vectors_{i}"] = cache.vectors
    identities = json.dumps([c.identity.to_dict() for c in caches], sort_keys=True)
    arrays["identities"] = np.frombuffer(identities.encode("utf-8"), dtype=np.uint8)
    with open(path, "wb") as fh:
        np.savez_compressed(fh, **arrays)


def load_text_vectors(path: Path) -> list[TextVectors]:
    with np.load(path, allow_pickle=False) as data:
        identities = json.loads(bytes(data["identities"]).decode("utf-8"))
        return [TextVectors(ModelIdentity.from_dict(ident), data[f"digests_{i}"], data[f"vectors_{i}"])
                for i, ident in enumerate(identities)]


def cache_for(identity: ModelIdentity, caches: Sequence[TextVectors]) -> TextVectors | None:
    """The cache made by exactly this model (name, checkpoint hash and dimension), if any."""
    return next((c for c in caches if c.identity == identity), None)


class CachedTexts:
    """Wraps an encoder so that `method` (its text-embedding method) reuses cached vectors.

    Every other attribute is the wrapped encoder's, so a wrapped open_clip encoder still embeds images and a
    wrapped sentence-transformers encoder keeps its identity. `hits` counts texts served from the cache.
    """

    def __init__(self, encoder, cache: TextVectors, method: str):
        if cache.identity != encoder.identity:
            raise ValueError(f"a text vector cache of {cache.identity.key()} cannot stand in for "
                             f"{encoder.identity.key()}; the cache is for another model")
        self._encoder, self._cache, self._method = encoder, cache, method
        self._index = cache.lookup()
        self.hits = 0
        setattr(self, method, self._encode)

    def __getattr__(self, name):
        return getattr(self._encoder, name)

    def _encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        rows = [self._index.get(text_sha256(t)) for t in texts]
        out = np.empty((len(texts), self._cache.identity.dim), dtype=np.float32)
        missing = [i for i, row in enumerate(rows) if row is None]
        found = [i for i, row in enumerate(rows) if row is not None]
        if found:
            out[found] = self._cache.vectors[[rows[i] for i in found]]
        if missing:
            out[missing] = getattr(self._encoder, self._method)([texts[i] for i in missing], progress=progress)
        self.hits += len(found)
        return out
