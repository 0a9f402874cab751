"""Stable token hashing for hash embeddings: each token's two table rows and its weight row (no torch here).

Hashes are blake2b with fixed keys, so a token lands on the same rows in every process (Python's
`hash()` is salted per process).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

SALTS = (b"searchsage-h1", b"searchsage-h2", b"searchsage-hw")  # h1, h2, and the weight row


def stable_hash(token: str, salt: bytes) -> int:
    """A 64-bit hash of a token that is the same in every process."""
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8, key=salt).digest(), "little")


def token_rows(tokens: Sequence[str], buckets: int) -> np.ndarray:
    """(n, 3) int64: each token's rows h1, h2 in the embedding table and hw in the weight table."""
    if buckets <= 0:
        raise ValueError(f"buckets must be positive, got {buckets}")
    return np.array([_rows(t, buckets) for t in tokens], np.int64).reshape(-1, 3)


@lru_cache(maxsize=1 << 18)
def _rows(token: str, buckets: int) -> tuple[int, int, int]:
    return tuple(stable_hash(token, s) % buckets for s in SALTS)


def pack(rows_per_text: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate the token rows of many texts: (flat (n, 3) rows, offsets of each text's first token)."""
    lengths = np.array([len(r) for r in rows_per_text], np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    flat = np.concatenate(list(rows_per_text)) if len(rows_per_text) else np.empty((0, 3), np.int64)
    return flat.reshape(-1, 3), offsets


