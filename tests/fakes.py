"""Deterministic fake encoders for tests where the model is not what is under test."""

from __future__ import annotations

import hashlib

import numpy as np

from engine.models.identity import ModelIdentity


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def text_vector(text: str, dim: int) -> np.ndarray:
    """A vector from the SHA-256 of the text: the same in every process (unlike Python's hash())."""
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
    return np.random.default_rng(seed).standard_normal(dim)


class FakeClip:
    """Images embed as their mean colour (padded), texts by hash; enough to test indexing plumbing."""

    def __init__(self, dim: int = 8, name: str = "fake-clip", checkpoint_sha256: str = "ab" * 32):
        self.identity = ModelIdentity(name, "fake.safetensors", checkpoint_sha256, dim)
        self.images_seen = 0
        self.texts_seen = 0

    def encode_images(self, images, *, progress: bool = False) -> np.ndarray:
        self.images_seen += len(images)
        rows = []
        for im in images:
            mean = np.asarray(im.convert("RGB"), dtype=np.float64).reshape(-1, 3).mean(axis=0) / 255
            rows.append(np.concatenate([mean + 1e-3, np.full(self.identity.dim - 3, 0.1)]))
        return _unit(np.array(rows)) if rows else np.empty((0, self.identity.dim), np.float32)

    def encode_texts(self, texts, *, progress: bool = False) -> np.ndarray:
        self.texts_seen += len(texts)
        return _unit(np.array([text_vector(t, self.identity.dim) for t in texts]))


class FakeText:
    def __init__(self, dim: int = 6, name: str = "fake-text"):
        self.identity = ModelIdentity(name, "", "", dim)
        self.texts_seen = 0

    def encode(self, texts, *, progress: bool = False) -> np.ndarray:
        self.texts_seen += len(texts)
        return _unit(np.array([text_vector("t:" + t, self.identity.dim) for t in texts]))


def hide_ray(monkeypatch) -> None:
    """Make `import ray` fail as on a machine without the `ray` extra (for the runners' missing-Ray errors)."""
    import builtins

    real_import = builtins.__import__

    def no_ray(name, *args, **kwargs):
        if name == "ray" or name.startswith("ray."):
            raise ImportError("No module named 'ray'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
