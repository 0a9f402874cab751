"""Run a search's independent steps side by side: one small thread pool shared by every search of a process.

The steps handed here spend their time in native code that releases the GIL (torch text encoders, LanceDB's
full-text search, NumPy), so two threads overlap them on two cores. PARALLELISM = 1 runs everything in
the calling thread, in order (the straightforward path the tests compare against).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from threading import Lock

# Threads beside the caller's. Measured (docs/benchmarks.md, search latency) on 2 saturated cores: one helper
# thread takes `full` p50 from 1,113 to 1,034 ms and `baseline` from 291 to 218 ms at 3,000 items;
# WORKBENCH_SEARCH_THREADS=0 runs everything in the caller's thread.
PARALLELISM = max(0, int(os.environ.get("WORKBENCH_SEARCH_THREADS", "1")))

# Whether the vector CG calls also run side by side (after the query texts are encoded); measured in
# docs/benchmarks.md: it pays only where a call is slow (an ANN index read, a large exact matrix).
CONCURRENT_CALLS = os.environ.get("WORKBENCH_SEARCH_CONCURRENT_CALLS", "0") == "1"

_pools: dict[int, ThreadPoolExecutor] = {}  # PARALLELISM -> its pool (a test or benchmark may change it)
_lock = Lock()


def _executor() -> ThreadPoolExecutor:
    with _lock:
        if PARALLELISM not in _pools:
            _pools[PARALLELISM] = ThreadPoolExecutor(max_workers=PARALLELISM, thread_name_prefix="search")
        return _pools[PARALLELISM]


def submit(fn: Callable, *args) -> Future:
    """Start fn(*args) on a helper thread (or run it now when PARALLELISM is 0); .result() gives its value."""
    if PARALLELISM == 0:
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as error:  # re-raised by .result(), as from a thread
            future.set_exception(error)
        return future
    return _executor().submit(_in_search_threads, fn, *args)


def _in_search_threads(fn: Callable, *args):
    from engine.pipeline.torch_threads import search_threads

    with search_threads():  # the helper thread's torch calls run with the search's thread count
        return fn(*args)


def run_all(jobs: Sequence[Callable[[], object]]) -> list:
    """Every job's value, in order: all but the first on helper threads, the first in the calling thread."""
    if len(jobs) <= 1 or PARALLELISM == 0:
        return [job() for job in jobs]
    futures = [submit(job) for job in jobs[1:]]
    first = jobs[0]()
    return [first, *(f.result() for f in futures)]
