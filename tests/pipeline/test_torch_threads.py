"""A search runs torch with its own intra-op thread count and gives the caller's count back afterwards."""

from __future__ import annotations

import threading

import pytest
import torch

import engine.pipeline.torch_threads as torch_threads
from engine.pipeline.torch_threads import search_threads


@pytest.fixture
def two_threads(monkeypatch):
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    monkeypatch.setattr(torch_threads, "SEARCH_TORCH_THREADS", 1)
    yield
    torch.set_num_threads(before)


def test_the_scope_sets_the_search_count_and_restores_the_callers(two_threads):
    with search_threads():
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == 2


def test_nested_scopes_restore_only_when_the_outer_one_ends(two_threads):
    with search_threads():
        with search_threads():
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == 1  # the outer search is still running
    assert torch.get_num_threads() == 2


def test_overlapping_scopes_on_two_threads_each_restore_their_own_count(two_threads):
    inside, release = threading.Event(), threading.Event()
    seen = {}

    def other_search():
        torch.set_num_threads(2)
        with search_threads():
            seen["other, inside"] = torch.get_num_threads()
            inside.set()
            release.wait(5)
        seen["other, after"] = torch.get_num_threads()

    worker = threading.Thread(target=other_search)
    with search_threads():
        worker.start()
        assert inside.wait(5)
    seen["caller after its scope, the other still inside"] = torch.get_num_threads()
    release.set()
    worker.join(5)
    assert seen == {"other, inside": 1, "caller after its scope, the other still inside": 2, "other, after": 2}
    assert torch.get_num_threads() == 2


def test_an_error_in_the_search_still_restores_the_count(two_threads):
    with pytest.raises(RuntimeError):
        with search_threads():
            raise RuntimeError("boom")
    assert torch.get_num_threads() == 2


def test_zero_leaves_torchs_setting_alone(two_threads, monkeypatch):
    monkeypatch.setattr(torch_threads, "SEARCH_TORCH_THREADS", 0)
    with search_threads():
        assert torch.get_num_threads() == 2
