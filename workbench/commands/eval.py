"""`workbench eval`: metrics from the judgments (report, agreement), TREC evaluation and TREC files."""

from __future__ import annotations

import argparse
import json
import sys

from workbench.commands.common import home_option, positive_int, workspace_from
from workbench.commands.runner_options import ray_init, runner_options

TREC_LINE_WIDTH = 22  # trec_eval prints measure names left-aligned in 22 characters


def _measure_list(text: str) -> list[str]:
    """An argparse type: comma-separated registry measures, each checked against the registry."""
    from eval import UnknownMeasureError, parse_measure

    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise argparse.ArgumentTypeError("expected measures separated by commas, e.g. P@10,nDCG@10")
    try:
        return [str(parse_measure(name)) for name in names]
    except UnknownMeasureError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _relevance_level(text: str) -> int:
    """An argparse type: a whole number on the graded 0..4 scale."""
    from eval.report import check_relevance_level

    try:
        return check_relevance_level(int(text))
    except ValueError as exc:
        if "off the graded scale" in str(exc):
            raise argparse.ArgumentTypeError(str(exc)) from None
        raise argparse.ArgumentTypeError(f"relevance level must be a whole number from 0 to 4, got {text!r}") from None


def _alpha(text: str) -> float:
    """An argparse type: a family-wise error rate strictly between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"alpha must be a number between 0 and 1, e.g. 0.05; got {text!r}")
    return value


def _judge_threshold(text: str) -> float:
    """An argparse type: a judge threshold in [0, 1]."""
    from engine.models.relevance.judge_gate import check_threshold

    try:
        value = float(text)
    except ValueError:
        value = text
    try:
        return check_threshold(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _threshold_list(text: str) -> list[float]:
    values = [part.strip() for part in text.split(",") if part.strip()]
    if not values:
        raise argparse.ArgumentTypeError(f"expected thresholds separated by commas, e.g. 0.5,0.8,0.9; got {text!r}")
    return [_judge_threshold(v) for v in values]


def _config_list(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"expected config names separated by commas, e.g. baseline,full; got {text!r}")
    return names


def register(sub: argparse._SubParsersAction) -> None:
    from eval import AGGREGATIONS, DEFAULT_MEASURES, DEFAULT_RESAMPLES, TREC_MEASURES, known_measures
    from eval.multiple_testing import DEFAULT_ALPHA
    from eval.report import DEFAULT_SEED
    from eval.store_report import LABEL_SOURCES

    parser = sub.add_parser(
        "eval",
        help="metrics from the judgments, with significance; TREC evaluation and qrels/run files",
        description="Offline metrics. `eval trec` needs no workspace; the other sub-commands read the "
        "workspace's judgments.duckdb (read-only, except import-qrels).",
    )
    commands = parser.add_subparsers(dest="eval_command", metavar="SUBCOMMAND", required=True)

    trec = commands.add_parser(
        "trec", help="evaluate a TREC run file against a qrels file, as trec_eval does",
        description="Metrics of a TREC run (qid Q0 docid rank score tag) against qrels (qid 0 docid rel), "
        "computed as trec_eval computes them: documents ordered by score, ties by docid descending, unjudged "
        "documents not relevant, only the run's queries that have qrels.",
    )
    trec.add_argument("--qrels", required=True, help="qrels file: qid 0 docid rel")
    trec.add_argument("--run", dest="run_file", metavar="RUN", required=True, help="run file: qid Q0 docid rank score tag")
    trec.add_argument("--level", type=int, default=1,
                      help="minimum relevance counted relevant by binary measures (trec_eval's -l; default 1)")
    trec.add_argument("--measures", type=lambda t: [m.strip() for m in t.split(",") if m.strip()],
                      default=list(TREC_MEASURES), help=f"trec_eval measure names (default {','.join(TREC_MEASURES)})")
    trec.add_argument("--per-query", action="store_true", help="also print each query's values (trec_eval's -q)")
    trec.add_argument("--json", action="store_true",
                      help='one object a line: {"measure": "P_10", "query": "301", "value": 0.3}; query "all" is the mean')
    trec.set_defaults(run=run_trec)

    report = commands.add_parser(
        "report", parents=[home_option()],
        help="every measure per config and query type, with a paired bootstrap CI and p-value for two configs",
        description=f"Measures (from the registry: {known_measures()}) computed from the judgments; "
        "with two configs, the second is compared against the first: a 95% percentile-bootstrap CI of the mean "
        "per-query delta, a two-sided paired sign-flip randomization p-value, and the Holm-Bonferroni adjusted p "
        "across every comparison of the report. The app's Compare page computes the same numbers with the same "
        "defaults.",
    )
    report.add_argument("--configs", type=_config_list, required=True, help="one or two config names: A or A,B")
    report.add_argument("--query-set", default=None, help="only the queries of this query set")
    report.add_argument("--measures", type=_measure_list, default=list(DEFAULT_MEASURES),
                        help=f"comma-separated (default {','.join(DEFAULT_MEASURES)}); known: {known_measures()}")
    report.add_argument("--aggregate", choices=AGGREGATIONS, default="mean",
                        help="how several raters' labels of one result become one grade (default mean; "
                        "majority breaks ties towards the lower grade)")
    report.add_argument("--relevance-level", type=_relevance_level, default=3,
                        help="graded labels >= this count relevant for P, R, map and recip_rank: 0 to 4 (default 3)")
    report.add_argument("--mode", choices=("graded", "binary"), default="graded", help="which labels (default graded)")
    report.add_argument("--exclude-simulated", action="store_true", help="leave out simulated raters' judgments")
    report.add_argument("--labels", choices=LABEL_SOURCES, default="humans",
                        help="people's judgments only (default), or also the labels of model judges (`eval judge`) "
                        "on the pairs no person judged; the report says which")
    report.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"seed of the bootstrap and permutation draws (default {DEFAULT_SEED}, as in the app)")
    report.add_argument("--resamples", type=positive_int, default=DEFAULT_RESAMPLES,
                        help=f"percentile-bootstrap resamples of the queries, and as many sign-flip permutations "
                        f"(default {DEFAULT_RESAMPLES}, as in the app)")
    report.add_argument("--alpha", type=_alpha, default=DEFAULT_ALPHA,
                        help=f"family-wise level of the Holm correction across all the report's comparisons; "
                        f"adjusted p <= alpha is marked * (default {DEFAULT_ALPHA})")
    report.add_argument("--json", action="store_true", help="print the report as one JSON object")
    report.set_defaults(run=run_report)

    agreement = commands.add_parser(
        "agreement", parents=[home_option()],
        help="agreement between raters (weighted kappa per pair, Fleiss' kappa, Krippendorff's alpha, bias, gold) "
        "and of each trained judge against them",
    )
    agreement.add_argument("--query-set", default=None, help="only the queries of this query set")
    agreement.add_argument("--mode", choices=("graded", "binary"), default="graded", help="which labels (default graded)")
    agreement.add_argument("--exclude-simulated", action="store_true", help="leave out simulated raters")
    agreement.add_argument("--json", action="store_true", help="print one JSON object")
    agreement.add_argument("--skip-models", action="store_true",
                           help="leave out the trained judges (the relevance model), which load the search models")
    agreement.set_defaults(run=run_agreement)

    judge = commands.add_parser(
        "judge", parents=[home_option()],
        help="the relevance model judges a pool's pairs it is confident of, as its own rater model:relevance",
        description="The workspace's relevance model grades every regular pair of a graded task pool; a pair whose "
        "calibrated confidence (the max-grade probability, temperature-scaled on held-out human-judged pairs) is at "
        "or above --threshold is stored as a judgment of model:relevance, apart from people's judgments, and leaves "
        "the human raters' queue; the pairs below stay for people. People's judgments are never changed. Rerunning "
        "writes nothing new. `eval gate` shows what each threshold saves and costs first.",
    )
    judge.add_argument("--pool", type=int, required=True, help="the task pool id (Admin page, Task pools)")
    judge.add_argument("--threshold", type=_judge_threshold, required=True,
                       help="calibrated confidence from 0 to 1 at or above which the model judges a pair")
    judge.set_defaults(run=run_judge)

    gate = commands.add_parser(
        "gate", parents=[home_option()],
        help="for each threshold: pairs the model would judge, human judgments saved, and the agreement it costs",
        description="The agreement gate of `eval judge`, read-only: per threshold, the pairs the model would judge "
        "and the human judgments that saves, and the model's QWK and exact agreement against the people's "
        "lower-median label on those pairs that people judged too (of queries the model did not train on); "
        "'unmeasured' when there are none.",
    )
    gate.add_argument("--pool", type=int, required=True, help="the task pool id")
    gate.add_argument("--thresholds", type=_threshold_list, default=None,
                      help="comma-separated thresholds from 0 to 1 (default 0.2,0.3,...,0.9,0.95)")
    gate.add_argument("--json", action="store_true", help="print one JSON object")
    gate.set_defaults(run=run_gate)

    export_qrels = commands.add_parser(
        "export-qrels", parents=[home_option()], help="write the judgments as a TREC qrels file",
        description="One line per judged (query, item): the raters' labels aggregated to a whole number.",
    )
    export_qrels.add_argument("--out", required=True, help="the qrels file to write")
    export_qrels.add_argument("--query-set", default=None, help="only the queries of this query set")
    export_qrels.add_argument("--mode", choices=("graded", "binary"), default="graded", help="which labels (default graded)")
    export_qrels.add_argument("--aggregate", choices=AGGREGATIONS, default="majority",
                              help="how several raters become one label (default majority; mean and median are "
                              "rounded half up)")
    export_qrels.add_argument("--exclude-simulated", action="store_true", help="leave out simulated raters")
    export_qrels.set_defaults(run=run_export_qrels)

    import_qrels = commands.add_parser(
        "import-qrels", parents=[home_option()], help="store a TREC qrels file as judgments of the rater qrels:SOURCE",
    )
    import_qrels.add_argument("file", help="qrels file: qid 0 docid rel")
    import_qrels.add_argument("--source", required=True, help="a name for these labels, e.g. trec-2021")
    import_qrels.add_argument("--mode", choices=("graded", "binary"), default="graded",
                              help="graded (0-4) or binary (0/1) labels (default graded)")
    import_qrels.add_argument("--merge", action="store_true",
                              help="also label queries that belong to another query set (this changes that set's "
                              "`eval report`); without it such qrels are refused, so benchmarks stay apart")
    import_qrels.set_defaults(run=run_import_qrels)

    run_configs = commands.add_parser(
        "run", parents=[home_option(), runner_options("search actors (each opens the workspace once)", "queries", 16)],
        help="search a stored query set with configs and record the ranked lists",
        description="Every query of the set through every config (models loaded once); each top-k list is stored "
        "as a run of that config, ready for a task pool (`build_task_pool`) and `eval report`. While `workbench "
        "app` holds the store, the runs are queued in the store's inbox and the app applies them within seconds. "
        "With --runner ray the searches are spread over Ray actors (every worker reads the workspace at the same "
        "path); this process stores the same runs as the local runner would.",
    )
    run_configs.add_argument("--configs", type=_config_list, required=True,
                             help="config names: A,B (built-in, WORKSPACE/configs/, or kind = \"http\" endpoints)")
    run_configs.add_argument("--query-set", required=True, help="the query set to run")
    run_configs.add_argument("--k", type=positive_int, default=10, help="results stored per query (default 10)")
    run_configs.add_argument("--wait", type=float, default=60.0,
                             help="when the app holds the store: seconds to wait for it to apply the queued runs "
                             "(default 60; 0 returns at once, the runs stay queued)")
    run_configs.set_defaults(run=run_runs)

    export_run = commands.add_parser(
        "export-run", parents=[home_option()], help="write a config's latest runs as a TREC run file",
    )
    export_run.add_argument("--config", required=True, help="the config name (also the run tag)")
    export_run.add_argument("--out", required=True, help="the run file to write")
    export_run.add_argument("--query-set", default=None, help="only the queries of this query set")
    export_run.add_argument("--score", choices=("original", "rank"), default="original",
                            help="write the stored scores (default), or scores that keep the stored rank order "
                            "under trec_eval's sorting (for runs whose scores tie)")
    export_run.set_defaults(run=run_export_run)

    export_queries = commands.add_parser(
        "export-queries", parents=[home_option()], help="write a query set as JSONL for another system to run",
        description='One query a line: {"query_id", "text", "item", "crop", "mode"} ("image" too for an uploaded '
        "reference image), query_id as run files name it and crop as \"x0,y0,x1,y1\" or null. Run them through "
        "your own system and bring the run back with `eval import-run`.",
    )
    export_queries.add_argument("--query-set", required=True, help="the query set to write")
    export_queries.add_argument("--out", required=True, help="the JSONL file to write")
    export_queries.set_defaults(run=run_export_queries)

    import_run = commands.add_parser(
        "import-run", parents=[home_option()], help="store another system's run file as config NAME",
        description="A TREC run (qid Q0 docid rank score tag, as `eval export-run` writes; query ids may be "
        'QUERYSET:QUERYID) or JSONL ({"query_id", "item_id", "rank", "score"} a line) becomes config NAME: task '
        "pools, `eval report`, Compare and the Dashboard use it like any config. The whole file is read and checked "
        "first; unknown query or item ids are reported (count and examples) and nothing is stored unless "
        "--skip-unknown. A re-import replaces the config's earlier runs in the query sets the file covers.",
    )
    import_run.add_argument("file", help="the run file (.jsonl/.json is read as JSONL, anything else as TREC)")
    import_run.add_argument("--config", required=True, help="the config name to store the run as")
    import_run.add_argument("--query-set", default=None, help="only this query set's queries (others are reported)")
    import_run.add_argument("--format", dest="fmt", choices=("trec", "jsonl"), default=None,
                            help="the file's format (default: from the name and the first line)")
    import_run.add_argument("--order", choices=("score", "rank"), default="score",
                            help="order results by score as trec_eval does (default; ties by id descending) or by "
                            "the file's rank column")
    import_run.add_argument("--skip-unknown", action="store_true",
                            help="import the rest when some query or item ids are unknown (they are still reported)")
    import_run.set_defaults(run=run_import_run)


# ---- run -----------------------------------------------------------------------------------------------

def run_runs(args: argparse.Namespace) -> int:
    from engine.external import EndpointUnreachable
    from engine.external.catalog_context import catalog_context
    from engine.pipeline.config import load_config
    from engine.pipeline.requirements import missing_models_message
    from engine.pipeline.context import SearchContext
    from labels import StoreLockedError, open_store
    from workbench.batch_runs import check_ready, record_runs

    workspace = workspace_from(args)
    configs = [load_config(name, workspace) for name in args.configs]
    for config in configs:  # before any run is stored: a config whose models are missing would fail every query
        if message := missing_models_message(config, workspace):
            raise FileNotFoundError(message)
    check_ready(configs)
    external_only = all(c.kind != "pipeline" for c in configs)  # then no model needs loading
    runner = _search_runner(args, workspace, external_only)
    try:
        store = open_store(workspace.judgments_path)
    except StoreLockedError as held:  # the app serves this workspace: queue the runs for it to apply
        return run_runs_queued(args, workspace, configs, external_only, held, runner)
    with store:
        queries = store.queries(args.query_set)
        context = catalog_context(workspace) if external_only else SearchContext.open(workspace)
        try:
            report = record_runs(context, store, queries, configs, k=args.k, runner=runner)
        except EndpointUnreachable as error:
            print(f"workbench eval run: error: {error}", file=sys.stderr)
            return 2
    print(report.summary())
    return 3 if report.failed else 0


def _search_runner(args: argparse.Namespace, workspace, external_only: bool):
    """None (search here, in turn) or the Ray runner of the options; fails at once when Ray is absent."""
    if getattr(args, "runner", "local") != "ray":
        return None
    from workbench.ray_runs import RaySearchRunner

    return RaySearchRunner(workspace.root, external_only=external_only, batch_size=args.batch_size,
                           concurrency=args.concurrency, num_gpus=args.num_gpus, init=ray_init(args))


def run_runs_queued(args, workspace, configs, external_only: bool, held: Exception, runner=None) -> int:
    """`eval run` while another process (the app) writes the store: read a snapshot, queue the runs in its inbox."""
    import warnings

    from engine.external import EndpointUnreachable
    from engine.external.catalog_context import catalog_context
    from engine.pipeline.context import SearchContext
    from labels import open_store
    from labels.inbox import RunBatch, wait_for
    from workbench.batch_runs import record_runs

    print(f"workbench eval run: {str(held).split(';')[0]}; the runs go to its inbox for that process to apply",
          file=sys.stderr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the snapshot is expected here, and said above
        with open_store(workspace.judgments_path, read_only=True) as snapshot:
            queries = snapshot.queries(args.query_set)
    context = catalog_context(workspace) if external_only else SearchContext.open(workspace)
    batch = RunBatch(queued_by="workbench eval run")
    try:
        report = record_runs(context, batch, queries, configs, k=args.k, runner=runner)
    except EndpointUnreachable as error:
        print(f"workbench eval run: error: {error}", file=sys.stderr)
        if not batch.runs:
            return 2
        report = None
    path = batch.write(workspace.judgments_path)
    if report is not None:
        print(report.summary())
    print(f"queued {len(batch.runs)} runs in {path}")
    outcome = wait_for(path, args.wait) if args.wait > 0 else None
    if outcome is None or outcome.state == "waiting":
        print("not applied yet: the app applies the inbox every few seconds, and any writable open of the store "
              "applies what waits (nothing queued is lost)")
    elif outcome.state == "failed":
        print(f"workbench eval run: error: the store refused the queued runs: {outcome.detail} "
              f"(the batch is kept in {path.parent / 'failed'})", file=sys.stderr)
        return 2
    else:
        print("applied to the store by the process that holds it")
    return 2 if report is None else (3 if report.failed else 0)


# ---- external runs -------------------------------------------------------------------------------------

def query_line(record) -> dict:
    """A stored query as one export-queries line (the `workbench eval export-queries` contract)."""
    crop = ",".join(f"{v:g}" for v in record.crop) if record.crop is not None else None
    line = {"query_id": record.query_id, "text": record.text or "", "item": record.image_item_id, "crop": crop,
            "mode": record.query_type}
    if record.image_path:  # an uploaded reference image: without it the line would be another query
        line["image"] = record.image_path
    return line


def run_export_queries(args: argparse.Namespace) -> int:
    from pathlib import Path

    with _open(args) as store:
        records = store.queries(args.query_set)
    if not records:
        raise ValueError(f"query set {args.query_set!r} has no queries; add some (Admin page, or Explore) first")
    text = "".join(json.dumps(query_line(r), ensure_ascii=False) + "\n" for r in records)
    Path(args.out).write_text(text, encoding="utf-8")
    print(f"wrote {len(records)} queries of query set {args.query_set} to {args.out}")
    return 0


def catalog_ids(workspace) -> tuple[set[str] | None, str]:
    """The catalog's item ids and the index version, or (None, "none") when the workspace has no index."""
    from engine.index.store import open_items_table, read_columns

    try:
        table = open_items_table(workspace, create=False)
    except (FileNotFoundError, ValueError):
        return None, "none"
    return set(read_columns(table, ["item_id"]).column("item_id").to_pylist()), f"lancedb:{table.version}"


def run_import_run(args: argparse.Namespace) -> int:
    from engine.pipeline.config import config_files
    from workbench.run_import import import_run

    workspace = workspace_from(args)
    defined = config_files(workspace).get(args.config)
    if defined:
        raise ValueError(f"config name {args.config!r} is the config file {defined[0]}; an imported run needs a name "
                         "of its own (e.g. prod-2024-06), so that its runs never mix with that config's")
    ids, index_version = catalog_ids(workspace)
    with _open(args, read_only=False) as store:
        report = import_run(store, args.file, args.config, catalog_ids=ids, query_set=args.query_set, fmt=args.fmt,
                            order=args.order, skip_unknown=args.skip_unknown, index_version=index_version)
    print("\n".join(report.lines_out()))
    return 0


# ---- trec --------------------------------------------------------------------------------------------

def run_trec(args: argparse.Namespace) -> int:
    from eval import evaluate_trec, read_qrels, read_run

    result = evaluate_trec(read_qrels(args.qrels), read_run(args.run_file), level=args.level, measures=args.measures)
    for measure, query, value in result.rows(per_query=args.per_query):
        if args.json:
            print(json.dumps({"measure": measure, "query": query, "value": value}))
        else:
            print(f"{measure:<{TREC_LINE_WIDTH}}\t{query}\t{value:.4f}")
    return 0


# ---- store-backed --------------------------------------------------------------------------------------

def _open(args: argparse.Namespace, *, read_only: bool = True):
    from labels import open_store

    return open_store(workspace_from(args).judgments_path, read_only=read_only)


def run_report(args: argparse.Namespace) -> int:
    from eval.store_report import ReportRequest, report_from_store

    if len(args.configs) > 2:
        raise ValueError(f"--configs takes one or two configs (the second is compared with the first), got {len(args.configs)}")
    request = ReportRequest(tuple(args.configs), args.query_set, tuple(args.measures), args.mode,
                            not args.exclude_simulated, args.aggregate, args.relevance_level, args.seed,
                            args.resamples, args.alpha, args.labels)
    with _open(args) as store:
        report = report_from_store(store, request)
    print(json.dumps(report.to_dict()) if args.json else report.to_text())
    return 0


def run_agreement(args: argparse.Namespace) -> int:
    import math

    from eval import fleiss_kappa, gold_accuracy, krippendorff_alpha, pairwise_cohen_kappa, rater_bias

    with _open(args) as store:
        judgments = store.judgments_frame(include_simulated=not args.exclude_simulated, mode=args.mode,
                                          query_set=args.query_set)
        gold = store.gold_frame()
    if judgments.empty:
        raise ValueError(f"no {args.mode} judgments to compare; label some results first (workbench app)")
    gold = gold[gold["mode"] == args.mode]
    pairs, bias, accuracy = pairwise_cohen_kappa(judgments), rater_bias(judgments), gold_accuracy(gold)
    fleiss, alpha = fleiss_kappa(judgments), krippendorff_alpha(judgments)
    models = [] if args.skip_models or args.mode != "graded" else trained_judges(workspace_from(args), judgments)

    def clean(value):
        return None if isinstance(value, float) and math.isnan(value) else value

    if args.json:
        print(json.dumps({
            "mode": args.mode, "fleiss_kappa": clean(fleiss), "krippendorff_alpha": clean(alpha),
            "cohen_kappa": [{k: clean(v) for k, v in row.items()} for row in pairs.to_dict("records")],
            "bias": [{k: clean(v) for k, v in row.items()} for row in bias.to_dict("records")],
            "gold": [{k: clean(v) for k, v in row.items()} for row in accuracy.to_dict("records")],
            "models": models,
        }, default=int))
        return 0
    print(f"{args.mode} labels: Fleiss' kappa {fleiss:.4f}, Krippendorff's alpha (ordinal) {alpha:.4f}")
    print("\nquadratic-weighted Cohen's kappa per pair:")
    print(pairs.to_string(index=False, float_format=lambda v: f"{v:.4f}") if len(pairs) else "  (one rater only)")
    print("\nbias against the other raters (own label - their mean):")
    print(bias.to_string(index=False, float_format=lambda v: f"{v:+.4f}"))
    print("\ngold accuracy:")
    print(accuracy.to_string(index=False, float_format=lambda v: f"{v:.4f}") if len(accuracy) else "  (no gold judgments)")
    if models:
        print("\ntrained judges (quadratic-weighted kappa against the raters' lower-median label, on pairs of "
              "queries the judge did not train on that two or more raters judged; raters: their mean pairwise kappa "
              "on the same pairs):")
        for m in models:
            fmt = lambda v: "n/a" if v is None else f"{v:.4f}"  # noqa: E731
            print(f"  {m['name']}: kappa {fmt(m['kappa'])} over {m['n_units']} units; raters {fmt(m['raters_kappa'])}")
    return 0


def trained_judges(workspace, judgments) -> list[dict]:
    """One agreement entry per trained judge of the workspace (today: the relevance model), [] when none."""
    from engine.models.relevance.agreement import student_predictor
    from engine.models.relevance.judge_agreement import relevance_judge_entry
    from engine.pipeline.requirements import RELEVANCE, has_model
    from labels import open_store

    if not has_model(workspace, RELEVANCE):
        return []
    with open_store(workspace.judgments_path, read_only=True) as store:
        return [relevance_judge_entry(workspace, judgments, student_predictor(workspace, store))]


def run_judge(args: argparse.Namespace) -> int:
    from workbench.model_judge import apply_gate, grade_pool

    workspace = workspace_from(args)
    with _open(args, read_only=False) as store:
        grades = grade_pool(workspace, store, args.pool)
        report = apply_gate(store, grades, args.threshold)
    print(report.summary())
    return 0


def run_gate(args: argparse.Namespace) -> int:
    from engine.models.relevance.judge_gate import DEFAULT_THRESHOLDS
    from workbench.model_judge import gate_rows_text, grade_pool

    workspace = workspace_from(args)
    with _open(args) as store:
        grades = grade_pool(workspace, store, args.pool)
    rows = grades.table(args.thresholds or DEFAULT_THRESHOLDS)
    if args.json:
        print(json.dumps({"pool": grades.pool_id, "judge": "model:relevance", "pairs": len(grades.pairs),
                          "ungradable": grades.ungradable, "temperature": grades.temperature,
                          "calibration_pairs": grades.calibration_pairs, "rows": [r.to_dict() for r in rows]}))
    else:
        print(gate_rows_text(grades, rows))
    return 0


def run_export_qrels(args: argparse.Namespace) -> int:
    import numpy as np

    from eval import aggregate_judgments, write_qrels

    with _open(args) as store:
        judgments = store.judgments_frame(include_simulated=not args.exclude_simulated, mode=args.mode,
                                          query_set=args.query_set)
    if judgments.empty:
        raise ValueError(f"no {args.mode} judgments to export" + (f" in query set {args.query_set!r}" if args.query_set else ""))
    grades = aggregate_judgments(judgments, args.aggregate)
    qrels = grades.assign(doc_id=grades["item_id"], relevance=np.floor(grades["grade"] + 0.5).astype(np.int64))
    lines = write_qrels(args.out, qrels[["query_id", "doc_id", "relevance"]])
    print(f"wrote {lines} qrels lines ({qrels['query_id'].nunique()} queries, {args.aggregate} of "
          f"{judgments['rater_id'].nunique()} raters) to {args.out}")
    return 0


def run_import_qrels(args: argparse.Namespace) -> int:
    from eval import read_qrels

    qrels = read_qrels(args.file)
    rows = list(zip(qrels["query_id"], qrels["doc_id"], (int(r) for r in qrels["relevance"])))
    with _open(args, read_only=False) as store:
        try:
            count = store.import_qrels(rows, source=args.source, mode=args.mode, merge=args.merge)
        except ValueError as exc:
            raise type(exc)(f"{args.file}: {exc}") from None  # nothing was stored; name the file
    print(f"imported {count} {args.mode} judgments of {qrels['query_id'].nunique()} queries from {args.file} "
          f"as rater qrels:{args.source}")
    return 0


def run_export_run(args: argparse.Namespace) -> int:
    import numpy as np

    from eval import trec_order, write_run

    with _open(args) as store:
        results = store.run_results_frame([args.config], args.query_set)
    if results.empty:
        raise ValueError(f"config {args.config!r} has no results" + (f" in query set {args.query_set!r}" if args.query_set else ""))
    run = results.rename(columns={"item_id": "doc_id"})[["query_id", "doc_id", "rank", "score"]]
    if args.score == "rank":
        deepest = run.groupby("query_id")["rank"].transform("max")
        run = run.assign(score=(deepest - run["rank"] + 1).astype(np.float64))
    else:
        reordered = trec_order(run)
        moved = reordered.merge(run, on=["query_id", "doc_id"], suffixes=("_trec", ""))
        changed = moved.loc[moved["rank_trec"] != moved.groupby("query_id")["rank"].rank(method="first"), "query_id"]
        if len(changed):
            print(f"warning: in {changed.nunique()} queries the scores tie or disagree with the stored ranks, so "
                  "trec_eval will order them differently; --score rank writes scores that keep the stored order",
                  file=sys.stderr)
    lines = write_run(args.out, run, tag=args.config)
    print(f"wrote {lines} run lines ({run['query_id'].nunique()} queries) of config {args.config} to {args.out}")
    return 0
