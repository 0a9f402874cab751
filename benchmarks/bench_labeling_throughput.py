"""Labeling throughput of one server process: N raters loop assign_next -> (think) -> record_judgment ->
rater_progress against one judgment store; prints labels/s and p50/p95 of each call and of the whole cycle.

    python benchmarks/bench_labeling_throughput.py --raters 20 --seconds 60 --think 0.5 --judged 20000

Issue 21 aims at p95 <= 100 ms per cycle with 20 raters at 0-0.5 s think time. `--judged` pre-fills the
store with that many judgments (and assignments) so the numbers reflect a store in use, not an empty one.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing

from labels import ConfigRecord, QueryRecord, RunResult, open_store  # noqa: E402

STEPS = ("assign_next", "record_judgment", "rater_progress", "cycle")


def pool(store, raters: int, queries: int, k: int) -> int:
    """`queries` x 2 configs x top k, overlap 3; returns the task count."""
    store.add_query_set("bench")
    store.add_queries([QueryRecord(f"q{i}", "bench", "text", f"query {i}") for i in range(queries)])
    for name, shift in (("A", 0), ("B", k // 2)):
        config = ConfigRecord(name, f"hash-{name}", "{}")
        for i in range(queries):
            ranking = [RunResult(r + 1, f"item{(i * 7 + shift + r) % 5000}", 1.0 / (r + 1)) for r in range(k)]
            store.record_run(config, f"q{i}", ranking, model_version="m", index_version="i")
    for r in range(raters):
        store.add_rater(f"r{r}", f"Rater {r}")
    for r in range(3):
        store.add_rater(f"old{r}", f"Earlier rater {r}")
    return store.build_task_pool("bench", ["A", "B"], k=k, overlap=3, seed=0).n_tasks


def prefill(store, judged: int, n_tasks: int, seed: int = 0) -> None:
    """History: the earlier raters have judged (and so been assigned) the first tasks."""
    if not judged:
        return
    with store._read() as con:
        task_ids = [row[0] for row in con.execute("SELECT task_id FROM tasks ORDER BY task_id").fetchall()]
    per = min(judged // 3, len(task_ids) // 2)  # leave half the pool open to the raters
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"task_id": np.tile(task_ids[:per], 3), "rater_id": np.repeat([f"old{r}" for r in range(3)], per),
                          "label": rng.integers(0, 5, 3 * per), "seconds_spent": 3.0})
    store.bulk_insert_judgments(frame)


def run(store, raters: int, seconds: float, think: float, seed: int) -> dict[str, list[float]]:
    times = {step: [] for step in STEPS}
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def rater(r: int) -> None:
        rng = random.Random(seed + r)
        rid = f"r{r}"
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            task = store.assign_next(rid)
            t1 = time.perf_counter()
            if task is None:
                return
            time.sleep(rng.uniform(0, think))
            t2 = time.perf_counter()
            store.record_judgment(task.task_id, rid, rng.randrange(5), seconds_spent=1.0)
            t3 = time.perf_counter()
            store.rater_progress(rid)
            t4 = time.perf_counter()
            with lock:
                times["assign_next"].append(t1 - t0)
                times["record_judgment"].append(t3 - t2)
                times["rater_progress"].append(t4 - t3)
                times["cycle"].append((t1 - t0) + (t4 - t2))

    threads = [threading.Thread(target=rater, args=(r,)) for r in range(raters)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raters", type=int, default=20, help="concurrent raters (threads), default 20")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long they label (default 30)")
    parser.add_argument("--think", type=float, default=0.5, help="think time drawn from 0..THINK seconds (default 0.5)")
    parser.add_argument("--queries", type=int, default=200, help="queries in the pool (default 200, top 20 of 2 configs)")
    parser.add_argument("--judged", type=int, default=20_000, help="judgments already in the store (default 20,000)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "bench.duckdb") as store:
        n_tasks = pool(store, args.raters, args.queries, 20)
        prefill(store, args.judged, n_tasks, args.seed)
        times = run(store, args.raters, args.seconds, args.think, args.seed)
    labels = len(times["record_judgment"])
    print(f"{args.raters} raters, {args.seconds:.0f} s, think 0..{args.think} s, {n_tasks:,} tasks, "
          f"{args.judged:,} judgments before: {labels:,} labels, {labels / args.seconds:.1f} labels/s")
    print("| call | p50 ms | p95 ms | max ms |")
    print("| --- | ---: | ---: | ---: |")
    for step in STEPS:
        ms = np.array(times[step]) * 1000
        if len(ms):
            print(f"| {step} | {np.percentile(ms, 50):.1f} | {np.percentile(ms, 95):.1f} | {ms.max():.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
