"""Time eval's metrics against ranx on the same synthetic judgments and runs, and compare their values.

    python benchmarks/bench_eval.py --queries 1000 --judged 1000 --depth 1000

Two configs, `--queries` queries, `--judged` judged documents per query (one rater each: queries x
judged judgments, 1,000,000 by default) and runs of `--depth` documents per query and config drawn
from a pool of 1.5 x judged candidates, so about a third of each run is unjudged.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing

from eval import DEFAULT_MEASURES, aggregate_judgments, build_report, compute, parse_measure, rank_grades  # noqa: E402

# Our measure -> ranx's metric. ranx's rel_lvl drops grades below the level from the qrels altogether,
# which for nDCG also removes their gain (trec_eval and we keep it), so nDCG is compared at level 1 only.
PAIRS = [
    ("P@10", "precision@10"), ("R@100", "recall@100"), ("nDCG@10", "ndcg@10"), ("nDCG@100", "ndcg@100"),
    ("nDCG_exp@10", "ndcg_burges@10"), ("recip_rank", "mrr"), ("map", "map"),
    ("P(rel=3)@10", "precision@10-l3"), ("map(rel=3)", "map-l3"),
]


def make_data(queries: int, judged: int, depth: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(judgments, runs) in the store's frame shapes, fully vectorised."""
    rng = np.random.default_rng(seed)
    pool = int(judged * 1.5)
    if depth > pool:
        raise SystemExit(f"--depth {depth} exceeds the candidate pool of {pool} (1.5 x --judged)")
    q_ids = np.array([f"q{q:05d}" for q in range(queries)], dtype=object)
    doc_ids = np.array([f"d{d:06d}" for d in range(pool)], dtype=object)
    # Judged: the first `judged` of a per-query random permutation of the pool.
    perm = np.argsort(rng.random((queries, pool)), axis=1)
    judged_docs = perm[:, :judged]
    latent = rng.beta(1.2, 2.5, size=(queries, pool))  # a document's true relevance, shared by both configs
    labels = np.clip(np.floor(latent * 5 + rng.normal(0, 0.4, latent.shape)), 0, 4).astype(np.int64)
    judgments = pd.DataFrame({
        "query_id": np.repeat(q_ids, judged),
        "query_type": "text",
        "item_id": doc_ids[judged_docs.ravel()],
        "rater_id": "r1",
        "simulated": False,
        "mode": "graded",
        "label": np.take_along_axis(labels, judged_docs, axis=1).ravel(),
    })
    runs = []
    for config, skill in (("A", 1.0), ("B", 1.3)):
        scores = latent * skill + rng.normal(0, 0.35, latent.shape)  # distinct floats: no ties
        top = np.argsort(-scores, axis=1)[:, :depth]
        runs.append(pd.DataFrame({
            "config_name": config,
            "query_id": np.repeat(q_ids, depth),
            "query_type": "text",
            "item_id": doc_ids[top.ravel()],
            "rank": np.tile(np.arange(1, depth + 1), queries),
            "score": np.take_along_axis(scores, top, axis=1).ravel(),
        }))
    return judgments, pd.concat(runs, ignore_index=True)


def run_ours(judgments: pd.DataFrame, runs: pd.DataFrame, configs) -> tuple[dict, dict]:
    timings, values = {}, {}
    started = time.perf_counter()
    grades = aggregate_judgments(judgments, "mean")
    timings["aggregate"] = time.perf_counter() - started
    for config in configs:
        t0 = time.perf_counter()
        batch = rank_grades(runs[runs["config_name"] == config], grades)
        t1 = time.perf_counter()
        for ours, _ in PAIRS:
            values[config, ours] = dict(zip(batch.query_ids, compute(parse_measure(ours), batch, 1.0)))
        t2 = time.perf_counter()
        timings[f"join {config}"] = t1 - t0
        timings[f"measures {config}"] = t2 - t1
    timings["total"] = time.perf_counter() - started
    return timings, values


def _ranx_frame(frame: pd.DataFrame) -> pd.DataFrame:
    # ranx wants object (not pandas' string) dtype ids.
    return pd.DataFrame({"q_id": frame["query_id"].astype(object), "doc_id": frame["item_id"].astype(object),
                         "score": frame["score"].to_numpy()})


def run_ranx(judgments: pd.DataFrame, runs: pd.DataFrame, configs) -> tuple[dict, dict]:
    from ranx import Qrels, Run, evaluate

    timings, values = {}, {}
    started = time.perf_counter()
    qrels = Qrels.from_df(_ranx_frame(judgments.rename(columns={"label": "score"})),
                          q_id_col="q_id", doc_id_col="doc_id", score_col="score")
    timings["qrels from_df"] = time.perf_counter() - started
    for config in configs:
        t0 = time.perf_counter()
        frame = runs[runs["config_name"] == config]
        run = Run.from_df(_ranx_frame(frame), q_id_col="q_id", doc_id_col="doc_id", score_col="score")
        t1 = time.perf_counter()
        evaluate(qrels, run, [theirs for _, theirs in PAIRS], return_mean=True)
        t2 = time.perf_counter()
        timings[f"run from_df {config}"] = t1 - t0
        timings[f"evaluate {config}"] = t2 - t1
        for ours, theirs in PAIRS:
            values[config, ours] = dict(run.scores[theirs])
    timings["total"] = time.perf_counter() - started
    return timings, values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--judged", type=int, default=1000, help="judged documents per query (default 1000)")
    parser.add_argument("--depth", type=int, default=1000, help="run depth per query and config (default 1000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="timed repetitions; the best is reported (default 3)")
    args = parser.parse_args(argv)
    if min(args.queries, args.judged, args.depth, args.repeat) < 1:
        parser.error("--queries, --judged, --depth and --repeat must be at least 1")

    started = time.perf_counter()
    judgments, runs = make_data(args.queries, args.judged, args.depth, args.seed)
    print(f"data: {len(judgments):,} judgments, {len(runs):,} run rows (2 configs x {args.queries:,} queries x "
          f"{args.depth:,}), made in {time.perf_counter() - started:.1f} s")
    configs = ("A", "B")

    import ranx  # noqa: F401  (import and numba compilation are not timed)

    warnings.filterwarnings("ignore", module="ranx")  # numba's uint64 -> int64 cast notes

    run_ranx(judgments.iloc[:2000], runs[runs["query_id"].isin(judgments["query_id"].iloc[:2000].unique())], configs)
    ours = min((run_ours(judgments, runs, configs) for _ in range(args.repeat)), key=lambda r: r[0]["total"])
    theirs = min((run_ranx(judgments, runs, configs) for _ in range(args.repeat)), key=lambda r: r[0]["total"])

    print(f"\neval (NumPy, one thread), best of {args.repeat}:")
    for name, seconds in ours[0].items():
        print(f"  {name:<22} {seconds:8.3f} s")
    print(f"ranx {version('ranx')} (numba, all threads), best of {args.repeat}, compiled beforehand:")
    for name, seconds in theirs[0].items():
        print(f"  {name:<22} {seconds:8.3f} s")
    ranx_metrics = sum(v for k, v in theirs[0].items() if k.startswith("evaluate"))
    ours_metrics = sum(v for k, v in ours[0].items() if k.startswith(("join", "measures")))
    print(f"\nend to end (frames in, values out): eval {ours[0]['total']:.3f} s, ranx {theirs[0]['total']:.3f} s, "
          f"ratio ranx/eval {theirs[0]['total'] / ours[0]['total']:.2f}")
    print(f"metrics only (eval: join + kernels; ranx: evaluate): eval {ours_metrics:.3f} s, ranx {ranx_metrics:.3f} s, "
          f"ratio ranx/eval {ranx_metrics / ours_metrics:.2f}")

    started = time.perf_counter()
    build_report(runs, judgments, configs=configs, measures=DEFAULT_MEASURES, seed=args.seed)
    print(f"build_report ({len(DEFAULT_MEASURES)} measures, 2 groups, paired bootstrap and permutation test with "
          f"10,000 resamples each): {time.perf_counter() - started:.3f} s")

    print("\nmax |eval - ranx| per query over both configs:")
    for measure, metric in PAIRS:
        worst = 0.0
        for config in configs:
            a, b = ours[1][config, measure], theirs[1][config, measure]
            if set(a) != set(b):
                raise SystemExit(f"{measure}: the two evaluated different queries")
            worst = max(worst, max(abs(a[q] - b[q]) for q in a))
        print(f"  {measure:<14} vs {metric:<16} {worst:.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
