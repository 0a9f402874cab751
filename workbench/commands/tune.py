"""`workbench tune`: fit a composite config's weights to a judged query set by K-fold CV; write NAME-tuned."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.commands.common import home_option, int_at_least, workspace_from


def register(sub: argparse._SubParsersAction) -> None:
    from eval.tuning import DEFAULT_FOLDS, GRID, MAX_ROUNDS, MIN_JUDGED_PAIRS, UNJUDGED

    grid = "; ".join(f"{name} in {{{', '.join(f'{v:g}' for v in values)}}}" for name, values in GRID.items())
    p = sub.add_parser(
        "tune", parents=[home_option()], help="fit a composite config's reranker weights to a judged query set",
        description="Run every query of the set once through the config (all candidates, with their unweighted "
        "terms), then fit w1..w5, the CG boost's strength and the attribute fill depth offline to the judgments' "
        "nDCG@10 by coordinate ascent on a grid, starting from the config's weights (" + grid + "; the config's "
        f"own values too; at most {MAX_ROUNDS} sweeps; OpenSearch's hybrid optimizer grids only two clauses in "
        "0.1 steps). The gain over the config's own weights is measured on held-out queries by K-fold CV, with a "
        "bootstrap CI over queries. Unjudged candidates gain 0 (as in trec_eval; see --unjudged): the tuned "
        "config's unjudged top-10 items are counted, and must be run and pooled for judging before any claim. "
        "The weights fitted on every query are written as WORKSPACE/configs/NAME-tuned.toml. Needs at least "
        f"{MIN_JUDGED_PAIRS} judged pairs and at least --folds judged queries.")
    p.add_argument("--config", required=True, help="a config with the composite reranker (name or .toml path)")
    p.add_argument("--query-set", required=True, help="the judged query set to fit to")
    p.add_argument("--folds", type=int_at_least(2), default=DEFAULT_FOLDS,
                   help=f"K of the K-fold cross-validation over queries (default {DEFAULT_FOLDS})")
    p.add_argument("--seed", type=int, default=0, help="seed of the fold split and the bootstrap (default 0)")
    p.add_argument("--unjudged", choices=UNJUDGED, default="zero",
                   help="zero (default): an unjudged candidate in the top 10 gains 0, as in trec_eval, which favours "
                   "the pooled order; condensed: unjudged candidates are dropped from each ranking before the cut "
                   "(condensed-list nDCG')")
    p.add_argument("--out", default=None, help="the config file to write (default WORKSPACE/configs/NAME-tuned.toml)")
    p.set_defaults(run=run_tune)


def judged_grades(store, query_set: str) -> dict[str, dict[str, float]]:
    """query_id -> item_id -> mean graded label over raters (simulated raters included, as `eval report` does)."""
    from eval.aggregate import aggregate_judgments

    grades = aggregate_judgments(store.judgments_frame(mode="graded", query_set=query_set), "mean")
    out: dict[str, dict[str, float]] = {}
    for query_id, item_id, grade in zip(grades["query_id"], grades["item_id"], grades["grade"]):
        out.setdefault(str(query_id), {})[str(item_id)] = float(grade)
    return out


def query_terms(context, record, config, depth: int):
    """Every candidate of one pipeline run of `config` at depth `depth`, with its unweighted terms.

    The steps of engine.pipeline.search.search up to the rerank, with the same CG width (search widens every CG
    call to k, so asking search itself for all candidates would fetch a different pool), then one composite
    rerank of them all; tests/eval/test_tuning.py checks its top `depth` against search()."""
    from engine.features.signals import add_features
    from engine.generators.multi_fetch import merge_candidates
    from engine.pipeline.item_vectors import with_item_vectors
    from engine.pipeline.search import generate
    from engine.pipeline.understand import understand
    from engine.query.clean import clean_query
    from engine.rerank import rerank
    from engine.rerank.weight_kernel import terms_from_results
    from workbench.batch_runs import query_of

    query = clean_query(query_of(record)).query
    understood = understand(context, query)
    calls = generate(context, understood, config, max(config.fetch_k, depth))
    candidates = [c for c in merge_candidates(calls) if c.item_id != query.item_id]
    add_features(with_item_vectors(context, [c.item_id for c in candidates]), understood, candidates,
                 config.relevance, config.engagement)
    results = rerank(candidates, understood, config.rerank)
    return terms_from_results(results, understood.target_attributes), [r.item_id for r in results]


def collect_pools(context, config, records, grades: dict[str, dict[str, float]]):
    """One QueryPool per judged query: every candidate of one pipeline run, with its unweighted terms.

    The kernel's order with the config's own weights is checked against the reranker's on every query."""
    from engine.rerank.weight_kernel import KernelWeights, kernel_order
    from eval.tuning import DEPTH, QueryPool

    own = KernelWeights.of_config(config.rerank)
    pools = []
    for record in records:
        if record.query_id not in grades:
            continue
        terms, ranked = query_terms(context, record, config, DEPTH)
        if kernel_order(terms, own, aggregate=config.rerank.aggregate, cg_boost=config.rerank.cg_boost) != ranked:
            raise RuntimeError(f"the weight kernel orders query {record.query_id!r} unlike the reranker; "
                               "engine/rerank/weight_kernel.py is out of step with engine/rerank/composite.py")
        pools.append(QueryPool(record.query_id, tuple(terms), grades[record.query_id]))
    return pools


def composite_configs(workspace) -> list[str]:
    """The known configs that use the composite reranker (the ones tune can fit)."""
    from engine.pipeline.config import ConfigError, known_configs, load_config

    names = []
    for name in known_configs(workspace):
        try:
            config = load_config(name, workspace)
        except ConfigError:
            continue
        if getattr(config, "kind", "pipeline") == "pipeline" and config.rerank.reranker == "composite":
            names.append(name)
    return names


def check_config(config, workspace) -> None:
    """Refuse a config tune cannot fit (another reranker) or cannot run (missing models)."""
    from engine.pipeline.requirements import missing_models_message

    if getattr(config, "kind", "pipeline") != "pipeline" or config.rerank.reranker != "composite":
        raise ValueError(f"config {config.name!r} does not use the composite reranker, whose weights tune fits; "
                         f"pick one that does: {', '.join(composite_configs(workspace))}")
    if message := missing_models_message(config, workspace):
        raise FileNotFoundError(message)


def run_tune(args: argparse.Namespace) -> int:
    from engine.pipeline.config import load_config
    from engine.pipeline.context import SearchContext
    from engine.rerank.weight_kernel import KernelWeights
    from eval.tuned_config import config_toml, with_weights
    from eval.tuning import Scoring, TuningInputError, check_counts, tune
    from labels import open_store

    workspace = workspace_from(args)
    config = load_config(args.config, workspace)
    check_config(config, workspace)
    with open_store(workspace.judgments_path, read_only=True) as store:
        records = store.queries(args.query_set)  # an unknown set: the error lists the known ones
        grades = judged_grades(store, args.query_set)
    if not grades:
        raise TuningInputError(f"query set {args.query_set!r} has no graded judgments; run configs over it "
                               f"(`workbench eval run --configs {config.name} --query-set {args.query_set}`), build "
                               "a task pool and judge it first")
    judged = {r.query_id: grades[r.query_id] for r in records if r.query_id in grades}
    check_counts(len(judged), sum(len(g) for g in judged.values()), args.folds, f"query set {args.query_set!r}")
    out = Path(args.out) if args.out else workspace.root / "configs" / f"{config.name}-tuned.toml"
    print(f"running {len(judged)} judged queries of {args.query_set!r} through {config.name!r} once", file=sys.stderr)
    pools = collect_pools(SearchContext.open(workspace), config, records, judged)
    scoring = Scoring(config.rerank.aggregate, config.rerank.cg_boost, args.unjudged)

    result = tune(pools, KernelWeights.of_config(config.rerank), scoring, folds=args.folds, seed=args.seed,
                  query_set=f"query set {args.query_set!r}")
    print(report_text(result, config.name, args.query_set, out.stem))
    tuned = with_weights(config, result.fitted, out.stem,
                         f"{config.name} with weights fitted by `workbench tune` to {args.query_set}")
    header = (f"Written by `workbench tune --config {config.name} --query-set {args.query_set} --folds {args.folds} "
              f"--seed {args.seed} --unjudged {args.unjudged}`.\n"
              f"Held-out nDCG@10 gain over {config.name}: {result.gain.describe()} "
              f"({result.gain.n_queries} queries).")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(config_toml(tuned, header), encoding="utf-8")
    load_config(out, workspace)  # what was written loads
    print(f"wrote {out}")
    return 0


def report_text(result, config_name: str, query_set: str, tuned_name: str) -> str:
    """What `workbench tune` prints: held-out gain, the weights, the unjudged top-10 items and what to do."""
    from eval.tuning import DEPTH, TUNABLE

    cv = result.cv
    condensed = " (condensed: unjudged dropped)" if result.unjudged_mode == "condensed" else " (unjudged gain 0)"
    lines = [f"nDCG@{DEPTH}{condensed} on held-out queries ({len(cv.folds)}-fold CV over {len(cv.query_ids)} "
             f"judged queries, {result.judged_pairs} judged pairs):",
             f"  {config_name + ' (own weights)':<32}{cv.own.mean():.4f}",
             f"  {'fitted per fold':<32}{cv.tuned.mean():.4f}",
             f"  gain, 95% bootstrap CI over queries, p: {result.gain.describe()}",
             "", f"{'setting':<16}{config_name:>12}{'fitted':>12}" + "".join(f"{f'fold {n + 1}':>9}"
                                                                         for n in range(len(cv.folds)))]
    for name in TUNABLE:
        own, fitted = getattr(result.own, name), getattr(result.fitted, name)
        folds = "".join(f"{getattr(f.weights, name):>9g}" for f in cv.folds)
        lines.append(f"{name:<16}{own:>12g}{fitted:>12g}{folds}")
    lines += ["", f"{result.unjudged_top} of the {result.shown_top} top-{DEPTH} results of the fitted weights are "
              "unjudged. Before claiming the gain, run the tuned config and pool them for judging:",
              f"  workbench eval run --configs {config_name},{tuned_name} --query-set {query_set}",
              "  then build a task pool over both (Admin page), judge it, and compare with "
              f"`workbench eval report --configs {config_name},{tuned_name} --query-set {query_set}`"]
    return "\n".join(lines)
