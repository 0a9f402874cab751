"""Labeling throughput of one server process: N raters label against one judgment store; p50/p95 of label -> next task.

    python benchmarks/bench_labeling_throughput.py --raters 20 --seconds 30 --think 0.5 --judged 20000 --baseline

Each rater loops: think (0..THINK s), label the task on screen, get the next task, read their progress
(what the Label page does per label). Paths, each on a fresh store built the same way:
  combined  record_judgment_and_assign_next + rater_progress (the app's path: one transaction per label)
  separate  record_judgment, assign_next, rater_progress (three calls, the in-memory task queue)
  baseline  (--baseline) the SQL functions these methods used before the queue, through the same locks
"cycle" is label -> next task shown: the sum of the calls after the think. Issue 21 aims at p95 <= 100 ms
with 20 raters at 0-0.5 s think time. `--judged` pre-fills the store with that many judgments so that
the numbers reflect a store in use, not an empty one.
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
from labels import pools, rater_views  # noqa: E402
from labels.judgments import insert_judgment  # noqa: E402

PATHS = ("baseline", "separate", "combined")


def baseline_assign_next(store, rater_id: str):
    """assign_next as it was: the SQL rule over every judgment and assignment, under the write lock."""
    with store._write() as con:
        return pools.assign_next(con, rater_id, mode="graded", now=store.clock())


def baseline_record_judgment(store, task_id: int, rater_id: str, label: int):
    with store._write() as con:
        return insert_judgment(con, task_id, rater_id, label, seconds_spent=1.0, comment=None, now=store.clock())


def baseline_rater_progress(store, rater_id: str):
    with store._read() as con:
        return rater_views.rater_progress(con, rater_id, mode="graded", now=store.clock())


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
    """History: three earlier raters have judged the first tasks (half the pool at most)."""
    if not judged:
        return
    with store._read() as con:
        task_ids = [row[0] for row in con.execute("SELECT task_id FROM tasks ORDER BY task_id").fetchall()]
    per = min(judged // 3, len(task_ids) // 2)  # leave half the pool open to the raters
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"task_id": np.tile(task_ids[:per], 3), "rater_id": np.repeat([f"old{r}" for r in range(3)], per),
                          "label": rng.integers(0, 5, 3 * per), "seconds_spent": 3.0})
    store.bulk_insert_judgments(frame)


def run(store, path: str, raters: int, seconds: float, think: float, seed: int) -> dict[str, list[float]]:
    """Label for `seconds` with `raters` threads along `path`; returns seconds per call and per cycle."""
    steps = {"baseline": ("record_judgment", "assign_next", "rater_progress"),
             "separate": ("record_judgment", "assign_next", "rater_progress"),
             "combined": ("record_judgment_and_assign_next", "rater_progress")}[path]
    times: dict[str, list[float]] = {step: [] for step in (*steps, "cycle")}
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    if path == "baseline":
        def label_and_next(rid, task, label):
            baseline_record_judgment(store, task.task_id, rid, label)
            t = time.perf_counter()
            return baseline_assign_next(store, rid), t
        def assign(rid):
            return baseline_assign_next(store, rid)

        def progress(rid):
            return baseline_rater_progress(store, rid)
    else:
        def label_and_next(rid, task, label):
            if path == "combined":
                return store.record_judgment_and_assign_next(task.task_id, rid, label, seconds_spent=1.0)[1], None
            store.record_judgment(task.task_id, rid, label, seconds_spent=1.0)
            t = time.perf_counter()
            return store.assign_next(rid), t
        assign, progress = store.assign_next, store.rater_progress

    def rater(r: int) -> None:
        rng = random.Random(seed + r)
        rid = f"r{r}"
        task = assign(rid)
        while task is not None and time.perf_counter() < stop:
            time.sleep(rng.uniform(0, think))
            t0 = time.perf_counter()
            task, t1 = label_and_next(rid, task, rng.randrange(5))
            t2 = time.perf_counter()
            progress(rid)
            t3 = time.perf_counter()
            with lock:
                if t1 is None:
                    times[steps[0]].append(t2 - t0)
                else:
                    times[steps[0]].append(t1 - t0)
                    times[steps[1]].append(t2 - t1)
                times["rater_progress"].append(t3 - t2)
                times["cycle"].append(t3 - t0)

    threads = [threading.Thread(target=rater, args=(r,)) for r in range(raters)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times


def report(path: str, times: dict[str, list[float]], seconds: float) -> None:
    labels = len(times["cycle"])
    print(f"\n{path}: {labels:,} labels, {labels / seconds:.1f} labels/s")
    print("| call | p50 ms | p95 ms | max ms |")
    print("| --- | ---: | ---: | ---: |")
    for step, values in times.items():
        ms = np.array(values) * 1000
        if len(ms):
            print(f"| {step} | {np.percentile(ms, 50):.1f} | {np.percentile(ms, 95):.1f} | {ms.max():.1f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raters", type=int, default=20, help="concurrent raters (threads), default 20")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long they label (default 30)")
    parser.add_argument("--think", type=float, default=0.5, help="think time drawn from 0..THINK seconds (default 0.5)")
    parser.add_argument("--queries", type=int, default=200, help="queries in the pool (default 200, top 20 of 2 configs)")
    parser.add_argument("--judged", type=int, default=20_000, help="judgments already in the store (default 20,000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline", action="store_true", help="also run the SQL path from before the task queue")
    parser.add_argument("--paths", nargs="+", choices=PATHS, default=None,
                        help="paths to run (default: separate and combined, plus baseline with --baseline)")
    args = parser.parse_args(argv)
    paths = args.paths or [p for p in PATHS if p != "baseline" or args.baseline]
    print(f"{args.raters} raters, {args.seconds:.0f} s per path, think 0..{args.think} s, {args.judged:,} judgments before")
    for path in paths:
        with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "bench.duckdb") as store:
            n_tasks = pool(store, args.raters, args.queries, 20)
            prefill(store, args.judged, n_tasks, args.seed)
            times = run(store, path, args.raters, args.seconds, args.think, args.seed)
        report(f"{path} ({n_tasks:,} tasks)", times, args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
