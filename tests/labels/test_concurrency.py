"""Many threads writing through one store: every judgment stored exactly once, reads running alongside."""

from __future__ import annotations

import threading

import pytest

from labels import open_store

from .conftest import seed_store

THREADS, PER_THREAD = 16, 50


@pytest.mark.slow
def test_threads_record_judgments_concurrently(tmp_path):
    with open_store(tmp_path / "judgments.duckdb") as store:
        seed_store(store, raters=[f"r{t}" for t in range(THREADS)])
        store.build_task_pool("qs", ["A", "B"], k=3, overlap=THREADS, seed=1)
        n_tasks = store.count_rows("tasks")
        errors: list[BaseException] = []
        frames_seen: list[int] = []
        start = threading.Barrier(THREADS + 1)

        def rate(t: int) -> None:
            try:
                start.wait()
                for i in range(PER_THREAD):
                    store.record_judgment(1 + i % n_tasks, f"r{t}", (t + i) % 5, seconds_spent=float(i), comment=f"{t}:{i}")
            except BaseException as exc:  # reported below, with the thread's failure
                errors.append(exc)

        def read() -> None:
            try:
                start.wait()
                for _ in range(20):
                    frames_seen.append(len(store.judgments_frame()))
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=rate, args=(t,)) for t in range(THREADS)]
        reader = threading.Thread(target=read)
        for thread in [*threads, reader]:
            thread.start()
        for thread in [*threads, reader]:
            thread.join()
        assert errors == []
        with store._read() as con:
            rows = con.execute("SELECT judgment_id, comment FROM judgments").fetchall()
        assert len(rows) == THREADS * PER_THREAD
        assert sorted(r[0] for r in rows) == list(range(1, THREADS * PER_THREAD + 1))  # no id lost or reused
        assert sorted(r[1] for r in rows) == sorted(f"{t}:{i}" for t in range(THREADS) for i in range(PER_THREAD))
        assert frames_seen == sorted(frames_seen)  # reads only ever see more judgments
        # latest per (task, rater): each thread judged tasks 1..n_tasks, some more than once
        assert len(store.judgments_frame()) == THREADS * min(PER_THREAD, n_tasks)
