"""The search's helper thread: values in order, errors re-raised, and the same answers with it off."""

from __future__ import annotations

import threading

import pytest

import engine.pipeline.parallel as parallel


@pytest.mark.parametrize("threads", [0, 1, 2])
def test_run_all_gives_every_value_in_order(threads, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLELISM", threads)
    assert parallel.run_all([lambda n=n: n * n for n in range(5)]) == [0, 1, 4, 9, 16]
    assert parallel.run_all([]) == []


def test_the_first_job_runs_in_the_calling_thread_and_the_others_beside_it(monkeypatch):
    monkeypatch.setattr(parallel, "PARALLELISM", 1)
    names = parallel.run_all([lambda: threading.current_thread().name] * 3)
    assert names[0] == threading.current_thread().name
    assert all(name.startswith("search") for name in names[1:])


@pytest.mark.parametrize("threads", [0, 1])
def test_an_error_on_a_helper_thread_reaches_the_caller(threads, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLELISM", threads)

    def fails():
        raise ValueError("bad call")

    with pytest.raises(ValueError, match="bad call"):
        parallel.run_all([lambda: 1, fails])
    with pytest.raises(ValueError, match="bad call"):
        parallel.submit(fails).result()
