"""Time the judgment store: record_judgment per second (1 and N threads) and judgments_frame at 1,000,000 judgments.

    python benchmarks/bench_judgments.py --judgments 1000000 --single 2000 --threads 8

Every record_judgment commits its own transaction to the write-ahead log on disk, so its rate is
bounded by the disk's sync latency; the big store is set up with `import_qrels` (tasks and the first
fifth of the judgments) and `bulk_insert_judgments` (the rest, 5% of them re-judgments).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing

from labels import ConfigRecord, QueryRecord, RunResult, open_store  # noqa: E402


def small_pool(store, raters: int) -> int:
    """50 queries x 2 configs x top 20 pooled with overlap = raters; returns the task count."""
    store.add_query_set("bench")
    store.add_queries([QueryRecord(f"q{i}", "bench", "text", f"query {i}") for i in range(50)])
    for name, shift in (("A", 0), ("B", 10)):
        config = ConfigRecord(name, f"hash-{name}", "{}")
        for i in range(50):
            ranking = [RunResult(r + 1, f"item{(i + shift + r) % 500}", 1.0 / (r + 1)) for r in range(20)]
            store.record_run(config, f"q{i}", ranking, model_version="m", index_version="i")
    for r in range(raters):
        store.add_rater(f"r{r}", f"Rater {r}")
    return store.build_task_pool("bench", ["A", "B"], k=20, overlap=raters, seed=0).n_tasks


def time_single(store, n: int, n_tasks: int) -> float:
    """Judgments per second, one thread."""
    started = time.perf_counter()
    for i in range(n):
        store.record_judgment(1 + i % n_tasks, "r0", i % 5, seconds_spent=3.0)
    return n / (time.perf_counter() - started)


def time_threads(store, n: int, threads: int, n_tasks: int) -> float:
    """Judgments per second, `threads` threads sharing the store, n in all."""
    per_thread = n // threads
    barrier = threading.Barrier(threads + 1)

    def rate(t: int) -> None:
        barrier.wait()
        for i in range(per_thread):
            store.record_judgment(1 + (t * per_thread + i) % n_tasks, f"r{t}", i % 5, seconds_spent=3.0)

    workers = [threading.Thread(target=rate, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    started = time.perf_counter()
    barrier.wait()
    for w in workers:
        w.join()
    return per_thread * threads / (time.perf_counter() - started)


def big_store(store, total: int, raters: int = 5, seed: int = 0) -> dict[str, float]:
    """`total` latest judgments: total/raters tasks, each judged by every rater, plus 5% re-judgments."""
    rng = np.random.default_rng(seed)
    n_tasks = total // raters
    n_queries = max(1, n_tasks // 100)
    timings = {}
    started = time.perf_counter()
    qrels = [(f"q{t % n_queries}", f"item{t // n_queries}", int(g)) for t, g in enumerate(rng.integers(0, 5, n_tasks))]
    store.import_qrels(qrels, source="bench-qrels")
    timings["import_qrels"] = time.perf_counter() - started
    for r in range(1, raters):
        store.add_rater(f"big{r}", f"Big rater {r}", simulated=r % 2 == 0)
    with store._read() as con:
        task_ids = np.array([row[0] for row in con.execute("SELECT task_id FROM tasks WHERE mode = 'graded' ORDER BY task_id").fetchall()])
    rows = total - n_tasks
    rater_ids = np.repeat([f"big{r}" for r in range(1, raters)], n_tasks)
    frame = pd.DataFrame({
        "task_id": np.tile(task_ids[:n_tasks], raters - 1)[:rows],
        "rater_id": rater_ids[:rows],
        "label": rng.integers(0, 5, rows),
        "seconds_spent": rng.gamma(4.0, 2.5, rows).round(2),
    })
    again = frame.sample(frac=0.05, random_state=seed).assign(label=lambda f: (f["label"] + 1) % 5)
    started = time.perf_counter()
    store.bulk_insert_judgments(pd.concat([frame, again], ignore_index=True))
    timings["bulk_insert_judgments"] = time.perf_counter() - started
    timings["bulk rows"] = len(frame) + len(again)
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--judgments", type=int, default=1_000_000, help="latest judgments in the big store (default 1,000,000)")
    parser.add_argument("--single", type=int, default=2000, help="judgments recorded one by one per measurement (default 2000)")
    parser.add_argument("--threads", type=int, default=8, help="threads for the concurrent measurement (default 8)")
    parser.add_argument("--repeat", type=int, default=3, help="judgments_frame timings to take the median of (default 3)")
    args = parser.parse_args(argv)

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        with open_store(Path(folder) / "small.duckdb") as store:
            n_tasks = small_pool(store, raters=max(args.threads, 1))
            rows.append(("record_judgment, 1 thread", f"{time_single(store, args.single, n_tasks):,.0f} judgments/s"))
            rows.append((f"record_judgment, {args.threads} threads", f"{time_threads(store, args.single, args.threads, n_tasks):,.0f} judgments/s"))
            started = time.perf_counter()
            for _ in range(200):
                store.assign_next("r0")
            rows.append(("assign_next (small pool)", f"{(time.perf_counter() - started) / 200 * 1000:.1f} ms"))
        with open_store(Path(folder) / "big.duckdb") as store:
            timings = big_store(store, args.judgments)
            rows.append((f"import_qrels ({args.judgments // 5:,} rows)", f"{timings['import_qrels']:.2f} s"))
            rows.append((f"bulk_insert_judgments ({timings['bulk rows']:,} rows)", f"{timings['bulk_insert_judgments']:.2f} s"))
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                frame = store.judgments_frame()
                times.append(time.perf_counter() - started)
            rows.append((f"judgments_frame ({len(frame):,} rows)", f"{statistics.median(times):.2f} s (median of {args.repeat})"))
            started = time.perf_counter()
            frame = store.judgments_frame(include_simulated=False, mode="graded")
            rows.append((f"judgments_frame, humans only ({len(frame):,} rows)", f"{time.perf_counter() - started:.2f} s"))
            files = [Path(folder) / "big.duckdb", Path(folder) / "big.duckdb.wal"]
            size = sum(f.stat().st_size for f in files if f.exists())
            rows.append(("database file and WAL", f"{size / 2**20:.0f} MiB"))

    width = max(len(name) for name, _ in rows)
    print(f"| {'measure':<{width}} | value |")
    print(f"| {'-' * width} | --- |")
    for name, value in rows:
        print(f"| {name:<{width}} | {value} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
