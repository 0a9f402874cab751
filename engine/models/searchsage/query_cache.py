"""A query-embedding cache: entries expire `ttl_seconds` after they were stored, and at most `capacity` are
kept (the least recently used goes first). The clock is injectable, so tests and log replays set the time."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable


class QueryEmbeddingCache:
    def __init__(self, capacity: int = 4096, ttl_seconds: float = 3600.0,
                 clock: Callable[[], float] = time.monotonic):
        if capacity <= 0 or ttl_seconds <= 0:
            raise ValueError(f"capacity and ttl_seconds must be positive, got {capacity} and {ttl_seconds}")
        self.capacity, self.ttl, self.clock = capacity, ttl_seconds, clock
        self._entries: OrderedDict = OrderedDict()  # key -> (stored at, value), least recently used first
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable):
        """The value stored under `key` if present and fresh (counted as a hit), else None (a miss)."""
        entry = self._entries.get(key)
        if entry is not None and self.clock() - entry[0] < self.ttl:
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[1]
        if entry is not None:
            del self._entries[key]
        self.misses += 1
        return None

    def put(self, key: Hashable, value) -> None:
        self._entries[key] = (self.clock(), value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def get_or_compute(self, key: Hashable, compute: Callable[[], object]):
        value = self.get(key)
        if value is None:
            value = compute()
            self.put(key, value)
        return value

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0
