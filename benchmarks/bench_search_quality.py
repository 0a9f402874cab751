"""Search quality against the sample catalog's ground truth: relevance@5, nDCG@10, P@10 per config and query type.

    python benchmarks/bench_search_quality.py --home /tmp/ws3000 --catalog /tmp/s3000
    python benchmarks/bench_search_quality.py --home /tmp/ws3000 --catalog /tmp/s3000 --configs baseline,full --json

One SearchContext, every query of sample_data/benchmark_queries.py through every config at k=10, each result
graded 0..4 from the catalog's attributes (docs/search_quality.md). relevance@5 is the mean grade of the top
5 with missing results counting 0; nDCG@10 takes its ideal from the best grades the catalog holds for the
query (every product graded); P@10 counts grades >= 3. Then each config's change over `baseline` beside the
seed's +14% (pivots) / +18% (descriptors), with a paired bootstrap 95% CI (eval.significance).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing

from sample_data.benchmark_queries import KINDS, BenchQuery, build_query_set  # noqa: E402
from eval.measures import compute  # noqa: E402
from eval.ranking import RankedGrades  # noqa: E402
from eval.significance import compare_paired  # noqa: E402

K = 10
MEASURES = {"relevance@5": ("relevance@5", 0.0), "nDCG@10": ("nDCG@10", 0.0), "P@10(>=3)": ("P@10", 3.0)}
SEED_GAIN = {"pivot": 0.14, "descriptor": 0.18}  # the seed's relevance@5 gain of the full system over its baseline
TYPES = (*KINDS, "all")
BASELINE = "baseline"
STANDINS = "full_standins"  # `full` with every learned term swapped back: the second reference when present


def ideal_grades(query: BenchQuery, truth: Mapping[str, Mapping[str, str]], depth: int = K) -> np.ndarray:
    """The `depth` best grades any catalog item (but the excluded one) has for the query, descending."""
    excluded = query.excluded()
    grades = [query.grade(truth, i) for i in truth if i != excluded]
    return np.sort(np.asarray(grades, np.float64))[::-1][:depth]


def graded_batch(queries: Sequence[BenchQuery], results: Sequence[Sequence[str]], ideals: Sequence[np.ndarray],
                 truth: Mapping[str, Mapping[str, str]], depth: int = K) -> RankedGrades:
    """The grades of each query's ranked results, padded with 0 past the end (a missing result grades 0)."""
    if not len(queries) == len(results) == len(ideals):
        raise ValueError(f"{len(queries)} queries, {len(results)} result lists and {len(ideals)} ideals; "
                         "expected one of each per query")
    retrieved = np.zeros((len(queries), depth))
    judged = np.zeros((len(queries), depth))
    for row, (query, ids, ideal) in enumerate(zip(queries, results, ideals)):
        grades = [query.grade(truth, i) for i in list(ids)[:depth]]
        retrieved[row, :len(grades)] = grades
        judged[row, :len(ideal[:depth])] = ideal[:depth]
    return RankedGrades(np.array([q.query_id for q in queries]), retrieved,
                        np.array([min(len(r), depth) for r in results]), judged)


def per_query_measures(batch: RankedGrades) -> dict[str, np.ndarray]:
    """One value per query of every benchmark measure, from eval's kernels."""
    return {label: compute(measure, batch, level) for label, (measure, level) in MEASURES.items()}


def type_mask(queries: Sequence[BenchQuery], kind: str) -> np.ndarray:
    return np.array([kind == "all" or q.kind == kind for q in queries], bool)


def run_config(context, config, queries: Sequence[BenchQuery]) -> list[list[str]]:
    return [[r.item_id for r in response.results] for response in run_responses(context, config, queries)]


def warm_up(context, configs, queries: Sequence[BenchQuery]) -> None:
    """Load what the pipeline loads on first use (models, the zero-shot reading of every item, in one batch),
    so that no config pays for it inside its timing."""
    from engine.features.item_attributes import reader_for

    reader_for(context).read_items(list(context.items))
    for config in configs:
        run_config(context, config, queries)


def load_configs(names: Sequence[str]):
    """Every named config, failing loudly (with the known names) on one that cannot load."""
    from engine.pipeline.config import load_config

    configs = [load_config(name) for name in names]
    if BASELINE not in [c.name for c in configs]:
        raise ValueError(f"--configs must include {BASELINE!r}: every change is measured against it")
    return configs


def main(argv=None) -> int:
    from engine.pipeline.config import known_configs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, help="an indexed workspace of the sample catalog")
    parser.add_argument("--catalog", required=True, help="the sample catalog folder (items.parquet with ground truth)")
    parser.add_argument("--configs", default=",".join(known_configs()), help="comma-separated config names")
    parser.add_argument("--n", type=int, default=300, help="pivot + descriptor queries (half each)")
    parser.add_argument("--crops", type=int, default=48, help="object-level crop queries")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--templates", choices=("tuning", "held_out"), default="tuning",
                        help="query phrasings: the tuning set, or the same queries rephrased with the held-out "
                             "templates (never tune against those)")
    parser.add_argument("--resamples", type=int, default=10_000, help="bootstrap resamples")
    parser.add_argument("--json", action="store_true", help="one JSON object a line instead of markdown")
    parser.add_argument("--by-family", action="store_true",
                        help="also: relevance@5 per query type and family against baseline, whether understanding "
                             "read the family the text names, and how many of the top 10 keep the reference's value "
                             "(descriptors) or reach the target (pivots)")
    args = parser.parse_args(argv)
    try:
        configs = load_configs([n.strip() for n in args.configs.split(",") if n.strip()])
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    from engine.pipeline.context import SearchContext
    from engine.workspace import Workspace
    from sample_data.relevance import load_sample_truth

    t0 = time.perf_counter()
    try:
        queries = build_query_set(args.catalog, n=args.n, n_crops=args.crops, seed=args.seed,
                                  templates=args.templates)
        truth = load_sample_truth(Path(args.catalog) / "items.parquet")
        context = SearchContext.open(Workspace(Path(args.home)))
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    ideals = [ideal_grades(q, truth) for q in queries]
    warm_up(context, configs, queries[:1])
    t1 = time.perf_counter()
    values: dict[str, dict[str, np.ndarray]] = {}
    seconds: dict[str, float] = {}
    diagnostics: dict[str, list[dict]] = {}
    for config in configs:
        t = time.perf_counter()
        responses = run_responses(context, config, queries)
        results = [[r.item_id for r in response.results] for response in responses]
        seconds[config.name] = time.perf_counter() - t
        values[config.name] = per_query_measures(graded_batch(queries, results, ideals, truth))
        diagnostics[config.name] = [family_diagnostic(q, response, truth) for q, response in zip(queries, responses)]
    unseen = relevance_unseen(Path(args.home), queries)
    report = summarise(queries, values, resamples=args.resamples, seed=args.seed, relevance_unseen=unseen)
    report["setup"] = {"queries": len(queries), "counts": {t: int(type_mask(queries, t).sum()) for t in TYPES},
                       "seed": args.seed, "setup_s": round(t1 - t0, 1),
                       "search_s": {n: round(s, 1) for n, s in seconds.items()},
                       "config_hashes": {c.name: c.content_hash() for c in configs}}
    families = by_family(queries, values, diagnostics, ideals) if args.by_family else []
    if args.json:
        for row in report["rows"] + report["comparisons"] + families:
            print(json.dumps(row))
    else:
        print(markdown(report))
        if families:
            print("\n" + family_markdown(families))
    return 0


def run_responses(context, config, queries: Sequence[BenchQuery]):
    from engine.pipeline.search import search

    return [search(context, q.query, config, k=K) for q in queries]


def family_diagnostic(query: BenchQuery, response, truth: Mapping[str, Mapping[str, str]]) -> dict:
    """For one query: did understanding read the family its text names, and what share of the top 10 keeps the
    reference's value of that family (descriptor) or carries the target value (pivot)."""
    own = truth.get(query.reference_id, {}).get(query.family)
    wanted = query.target if query.intent == "pivot" else own
    top = [truth.get(r.item_id, {}).get(query.family) for r in response.results[:K]]
    read = response.understood.reference_attributes.get(query.family)
    return {"family_read": query.family in response.understood.target_attributes,
            "reference_read_right": float(read == own) if own is not None else float("nan"),
            "value_share": (sum(v == wanted for v in top) / K) if wanted is not None else float("nan")}


def by_family(queries: Sequence[BenchQuery], values: dict[str, dict[str, np.ndarray]],
              diagnostics: dict[str, list[dict]], ideals: Sequence[np.ndarray]) -> list[dict]:
    """relevance@5 per (type, family), and per type over all its families, for every config against baseline, with
    the understanding and value diagnostics of each config (means over the group's queries) and the group's
    ceiling: the relevance@5 of the ideal ranking (the best five grades any item has), so that a gain is read
    against the room the baseline leaves."""
    rows = []
    kinds = ("pivot", "descriptor")
    groups = sorted({(q.kind, q.family) for q in queries if q.kind in kinds}) + [(k, "all") for k in kinds]
    ceiling = np.array([float(np.sum(ideal[:5])) / 5 for ideal in ideals])  # padded with 0, as results are
    for kind, family in groups:
        mask = np.array([q.kind == kind and family in ("all", q.family) for q in queries], bool)
        if not mask.any():
            continue
        base = values[BASELINE]["relevance@5"][mask]
        for name, measures in values.items():
            diag = [d for d, m in zip(diagnostics[name], mask) if m]
            rows.append({"by_family": True, "config": name, "type": kind, "family": family, "queries": int(mask.sum()),
                         "relevance@5": float(measures["relevance@5"][mask].mean()),
                         "change_vs_baseline": float(measures["relevance@5"][mask].mean() / base.mean() - 1)
                         if base.mean() else float("nan"),
                         "family_read": float(np.mean([d["family_read"] for d in diag])),
                         "reference_read_right": float(np.nanmean([d["reference_read_right"] for d in diag])),
                         "value_share@10": float(np.nanmean([d["value_share"] for d in diag])),
                         "ceiling": float(ceiling[mask].mean()),
                         "ceiling_vs_baseline": float(ceiling[mask].mean() / base.mean() - 1)
                         if base.mean() else float("nan")})
    return rows


def family_markdown(rows: list[dict]) -> str:
    lines = ["relevance@5 per query type and family (family read: share of queries whose understanding named the "
             "family; reference read right: share whose reading of the reference's value of the family (image model "
             "or catalog) is its true value; value share@10: of the top 10, the share keeping the reference's value "
             "(descriptor) or carrying the target value (pivot); ceiling: relevance@5 of the ideal ranking, and how far "
             "above baseline it lies):", "",
             "| type | family | queries | config | relevance@5 | vs baseline | family read | reference read right "
             "| value share@10 | ceiling (vs baseline) |",
             "|---|---|---:|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['type']} | {r['family']} | {r['queries']} | {r['config']} | {r['relevance@5']:.3f} | "
                     f"{r['change_vs_baseline']:+.1%} | {r['family_read']:.2f} | {r['reference_read_right']:.2f} | "
                     f"{r['value_share@10']:.2f} | {r['ceiling']:.3f} ({r['ceiling_vs_baseline']:+.1%}) |")
    return "\n".join(lines)


def relevance_unseen(home: Path, queries: Sequence[BenchQuery]) -> np.ndarray:
    """Queries whose (text, reference) no stored judgment covers: the relevance model never trained on them."""
    judgments = home / "judgments.duckdb"
    if not judgments.is_file():
        return np.ones(len(queries), bool)
    from labels import open_store

    with open_store(judgments, read_only=True) as store:
        judged = set(store.judgments_frame()["query_id"])
        seen = {(q.text or "", q.image_item_id) for s in store.query_sets() for q in store.queries(s.name)
                if q.query_id in judged}
    return np.array([(q.query.text, q.query.item_id) not in seen for q in queries], bool)


def summarise(queries: Sequence[BenchQuery], values: dict[str, dict[str, np.ndarray]], *, resamples: int,
              seed: int, relevance_unseen: np.ndarray | None = None) -> dict:
    """Mean of each measure per config and type; each config against baseline (and full_standins) on relevance@5."""
    rows, comparisons = [], []
    for name, measures in values.items():
        for kind in TYPES:
            mask = type_mask(queries, kind)
            rows.append({"config": name, "type": kind, "queries": int(mask.sum()),
                         **{m: float(v[mask].mean()) if mask.any() else float("nan") for m, v in measures.items()}})
    from engine.models.fusion.triplets import is_held_out as fusion_held_out

    # References the early-fusion model did not train on either (its own 10% split): a check that `full`
    # does not gain from references it saw; and queries no judgment covers (the relevance model's unseen).
    subsets = {"fusion-unseen refs": np.array([fusion_held_out(q.reference_id) for q in queries], bool)}
    if relevance_unseen is not None:
        subsets["unjudged queries"] = relevance_unseen
    references = [r for r in (BASELINE, STANDINS) if r in values]
    for reference, (name, measures) in ((r, item) for r in references for item in values.items()):
        base = values[reference]["relevance@5"]
        if name == reference or (reference == STANDINS and not name.startswith("full")):
            continue
        for kind in (*TYPES, *subsets):
            mask = subsets[kind] if kind in subsets else type_mask(queries, kind)
            delta = measures["relevance@5"][mask] - base[mask]
            (paired,) = compare_paired(delta, resamples=resamples, seed=seed)
            base_mean = float(base[mask].mean()) if mask.any() else float("nan")
            comparisons.append({"config": name, "vs": reference, "type": kind, "queries": int(mask.sum()),
                                "measure": "relevance@5", "baseline": base_mean,
                                "value": float(measures["relevance@5"][mask].mean()) if mask.any() else float("nan"),
                                "relative_change": paired.mean_delta / base_mean if base_mean else float("nan"),
                                "delta": paired.mean_delta, "ci_low": paired.ci_low, "ci_high": paired.ci_high,
                                "p_value": paired.p_value,
                                "seed_gain": SEED_GAIN.get(kind) if reference == BASELINE else None})
    return {"rows": rows, "comparisons": comparisons}


def markdown(report: dict) -> str:
    setup = report.get("setup", {})
    lines = [f"Queries: {setup.get('counts')} (seed {setup.get('seed')}); search seconds per config: "
             f"{setup.get('search_s')}; config hashes: {setup.get('config_hashes')}", "",
             "| config | type | queries | " + " | ".join(MEASURES) + " |",
             "|---|---|---:|" + "---:|" * len(MEASURES)]
    for r in report["rows"]:
        lines.append(f"| {r['config']} | {r['type']} | {r['queries']} | "
                     + " | ".join(f"{r[m]:.3f}" for m in MEASURES) + " |")
    lines += ["", "relevance@5 against baseline, and learned parts against full_standins (paired bootstrap 95% CI "
              "of the mean delta, sign-flip p):", "",
              "| config | vs | type | queries | reference | config | change | seed's change | delta [95% CI] p |",
              "|---|---|---|---:|---:|---:|---:|---:|---|"]
    for c in report["comparisons"]:
        seed = f"+{c['seed_gain']:.0%}" if c["seed_gain"] is not None else "—"
        lines.append(f"| {c['config']} | {c['vs']} | {c['type']} | {c['queries']} | {c['baseline']:.3f} | {c['value']:.3f} | "
                     f"{c['relative_change']:+.1%} | {seed} | {c['delta']:+.3f} [{c['ci_low']:+.3f}, "
                     f"{c['ci_high']:+.3f}] p={c['p_value']:.4f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
