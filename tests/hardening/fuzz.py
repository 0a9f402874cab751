"""A seeded generator of malformed inputs: byte-level and structure-level mutations of valid examples."""

from __future__ import annotations

import random

NASTY = [b"\x00", b"\xff", b"\xe9", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\x1b[31m", b"\x7f", b"\\ud800",
         b"\\u0000", b'"', b"\\", b",", b"\t", b"\r", b" ", b"[", b"{", b"}", b"]", b"NaN", b"1e999", b"-0",
         b"99999999999999999999999", "\u202e".encode(), "\u200b".encode(), b"\xf0\x9f\x98", "é".encode()]


def mutate(data: bytes, rng: random.Random, rounds: int = 3) -> bytes:
    """`data` with 1..rounds random edits: flip, insert, delete, duplicate, truncate, nest, splice nasty bytes."""
    for _ in range(rng.randint(1, rounds)):
        where = rng.randint(0, len(data))
        kind = rng.randrange(7)
        if kind == 0 and data:  # flip one byte
            i = rng.randrange(len(data))
            data = data[:i] + bytes([rng.randrange(256)]) + data[i + 1:]
        elif kind == 1:  # insert a nasty token
            data = data[:where] + rng.choice(NASTY) + data[where:]
        elif kind == 2:  # delete a slice
            data = data[:where] + data[where + rng.randint(1, 8):]
        elif kind == 3:  # duplicate a slice
            data = data[:where] + data[where:where + rng.randint(1, 12)] + data[where:]
        elif kind == 4:  # truncate
            data = data[:where]
        elif kind == 5:  # nest deeply
            depth = rng.choice([2, 70, 1_000, 20_000])
            open_, close = rng.choice([(b"[", b"]"), (b'{"a": ', b"}")])
            data = data[:where] + open_ * depth + b"1" + close * depth + data[where:]
        else:  # random bytes
            data = data[:where] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 6))) + data[where:]
    return data
