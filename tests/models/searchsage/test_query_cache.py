"""The query-embedding cache: hits, TTL expiry and the LRU bound, on a fake clock."""

import pytest

from engine.models.searchsage.query_cache import QueryEmbeddingCache


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_hit_then_expiry_after_the_ttl():
    clock = Clock()
    cache = QueryEmbeddingCache(capacity=10, ttl_seconds=60, clock=clock)
    assert cache.get("red dress") is None
    cache.put("red dress", [1.0])
    clock.now = 59.9
    assert cache.get("red dress") == [1.0]
    clock.now = 60.0
    assert cache.get("red dress") is None and len(cache) == 0
    assert (cache.hits, cache.misses) == (1, 2) and cache.hit_rate == pytest.approx(1 / 3)


def test_the_least_recently_used_goes_first():
    cache = QueryEmbeddingCache(capacity=2, ttl_seconds=100, clock=Clock())
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # a is now more recent than b
    cache.put("c", 3)
    assert len(cache) == 2 and cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3


def test_get_or_compute_computes_once():
    calls = []
    cache = QueryEmbeddingCache(capacity=4, ttl_seconds=10, clock=Clock())
    for _ in range(3):
        assert cache.get_or_compute("q", lambda: calls.append(1) or 7) == 7
    assert len(calls) == 1 and cache.hits == 2


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="must be positive"):
        QueryEmbeddingCache(capacity=0)
