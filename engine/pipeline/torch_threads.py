"""Torch's intra-op threads while a search runs: one per thread (WORKBENCH_SEARCH_TORCH_THREADS).

A search's model calls are small: a query text of a few tokens through each text tower, one crop through the
image tower, MLPs over a few hundred candidates. Split over two OpenMP threads, each call waits at OpenMP's
barriers for a second thread, and the search already runs the two text towers on two Python threads
(engine/pipeline/parallel.py), so two towers x two OpenMP threads oversubscribe two cores. Measured on this
project's 2-core machine (`benchmarks/bench_search_latency.py --torch-threads 1,0`, docs/benchmarks.md), a
whole `full` query, the two settings interleaved under load, took 211 against 1,030 ms p50; on a quiet machine 127
against 144 ms.

Every model call of a search runs inside `search_threads()`, so a query's vectors never depend on how many
searches overlap: a vector made with one thread differs from one made with two in its last float bits (about
1e-7), which is why the count is fixed for the whole search rather than chosen per call. Torch keeps the
count per thread (OpenMP's per-thread setting): each thread that runs part of a search (the caller and the
helper threads of engine/pipeline/parallel.py) enters the scope itself and gets its own count back when it
leaves, so a search never changes the count of a training or an index build that runs after it.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

SEARCH_TORCH_THREADS = int(os.environ.get("WORKBENCH_SEARCH_TORCH_THREADS", "1"))  # <= 0: leave torch's setting


@contextmanager
def search_threads():
    """Run the body with this thread's torch intra-op threads at SEARCH_TORCH_THREADS, then restore its count.
    Nothing happens where torch is not imported (a search over test fakes)."""
    torch = sys.modules.get("torch")
    if torch is None or SEARCH_TORCH_THREADS <= 0:
        yield
        return
    before = torch.get_num_threads()
    if before != SEARCH_TORCH_THREADS:
        torch.set_num_threads(SEARCH_TORCH_THREADS)
    try:
        yield
    finally:
        if before != SEARCH_TORCH_THREADS:
            torch.set_num_threads(before)
