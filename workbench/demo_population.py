"""The demo's judgments: a sample benchmark query set, both configs' runs over it, a blind task pool and
simulated raters who grade from the sample catalog's ground truth (sample_data.relevance), so that a new
user opens a workbench with metrics, agreement and comparisons to look at. Real raters then add to it.

Two phases, because the relevance model learns from the judgments: `populate` runs the configs that need no
judgments (`baseline`, `full_standins`), pools and judges them; once the models are trained,
`populate_learned` adds `full`'s runs, pools its new (query, item) pairs and judges those too.
"""

from __future__ import annotations

from dataclasses import dataclass

from labels.records import QueryRecord

QUERY_SET = "sample-benchmark"
CONFIGS = ("baseline", "full_standins")
LEARNED_CONFIG = "full"


@dataclass(frozen=True)
class DemoSettings:
    pivots_and_descriptors: int = 60  # half each
    crops: int = 8
    k: int = 10  # pool depth
    overlap: int = 3  # raters per task
    gold_rate: float = 0.05
    seed: int = 0


def query_records(bench_queries, query_set: str = QUERY_SET) -> list[QueryRecord]:
    """Stored QueryRecords of benchmark queries; the type is the intent (a crop is a pivot or a descriptor)."""
    out = []
    for q in bench_queries:
        target = {q.family: q.target} if q.target is not None else {}
        out.append(QueryRecord(f"{query_set}:{q.query_id}", query_set, q.intent, q.query.text or None,
                               q.query.item_id, None, q.query.crop, target))
    return out


def oracle_for(bench_queries, truth, query_set: str = QUERY_SET):
    """(QueryRecord, item_id) -> the true 0..4 grade, by the benchmark's grade of that query."""
    by_id = {f"{query_set}:{q.query_id}": q for q in bench_queries}

    def oracle(record: QueryRecord, item_id: str) -> int:
        return by_id[record.query_id].grade(truth, item_id)

    return oracle


def add_gold_answers(store, bench_queries, truth, shown: set[tuple[str, str]], *, every: int = 4,
                     query_set: str = QUERY_SET) -> int:
    """Gold answers for every `every`-th query: one perfect (4) and one irrelevant (0) item no run showed.

    Each query's items are tried in an order of its own, and an item is used once, so that the checks do not
    keep showing the same decoy product (a check seen twice is soon recognised as one).
    """
    import random

    added = 0
    items = sorted(truth)
    used: set[str] = set()
    for q in bench_queries[::every]:
        query_id = f"{query_set}:{q.query_id}"
        order = random.Random(query_id).sample(items, len(items))  # a str seed is hashed stably (not hash())
        for wanted in (4, 0):
            item = next((i for i in order if i not in (q.reference_id, q.query.item_id) and i not in used
                         and (query_id, i) not in shown and q.grade(truth, i) == wanted), None)
            if item is not None:
                store.add_gold(query_id, item, wanted, note="sample ground truth")
                used.add(item)
                added += 1
    return added


def _largest_query_set(catalog, settings: DemoSettings, build):
    """The settings' query set, or the largest smaller one the catalog allows (small demos); None if none."""
    from sample_data.benchmark_queries import QuerySetError

    n, crops = settings.pivots_and_descriptors, settings.crops
    while n >= 2:
        for c in dict.fromkeys((crops, crops // 2, 0)):
            try:
                return build(catalog, n=n, n_crops=c, seed=settings.seed)
            except QuerySetError:
                continue
        n //= 2
    return None


def populate(workspace, context, store, settings: DemoSettings = DemoSettings(), *, catalog=None, log=print) -> bool:
    """Fill the store with the demo's query set, runs, pool and simulated judgments; False if the set exists.

    `catalog` is the generated sample folder (default: the workspace's sample/), whose ground truth grades.
    """
    from engine.pipeline.config import load_config
    from labels import simulate_judgments
    from sample_data.benchmark_queries import build_query_set
    from sample_data.relevance import load_sample_truth
    from workbench.batch_runs import record_runs

    if any(s.name == QUERY_SET for s in store.query_sets()):
        return False
    catalog = workspace.sample_dir if catalog is None else catalog
    bench = _largest_query_set(catalog, settings, build_query_set)
    if bench is None:
        log(f"[demo] the catalog is too small for a benchmark query set (fewer than 2 held-out products with a "
            f"pivot answer); no demo judgments. Generate more items (--n) for them.")
        return False
    records = query_records(bench)
    configs = [load_config(name, workspace) for name in CONFIGS]
    log(f"[demo] running {', '.join(CONFIGS)} over {len(records)} sample benchmark queries")
    store.add_query_set(QUERY_SET, "pivots, descriptors and crops drawn from the sample catalog's held-out items")
    store.add_queries(records)
    report = record_runs(context, store, records, configs, k=settings.k)
    if report.failed:
        log(report.summary())
    truth = load_sample_truth(catalog / "items.parquet")
    runs = store.run_results_frame(list(CONFIGS), QUERY_SET)
    add_gold_answers(store, bench, truth, set(zip(runs["query_id"], runs["item_id"])))
    pool = store.build_task_pool(QUERY_SET, list(CONFIGS), k=settings.k, overlap=settings.overlap,
                                 gold_rate=settings.gold_rate, seed=settings.seed)
    judged = simulate_judgments(store, oracle_for(bench, truth), seed=settings.seed)
    log(f"[demo] task pool: {pool.n_tasks} tasks + {pool.n_gold} gold over {pool.n_queries} queries; "
        f"{judged} simulated judgments")
    return True


def populate_learned(workspace, context, store, settings: DemoSettings = DemoSettings(), *, catalog=None,
                     log=print) -> bool:
    """Add `full`'s runs over the demo query set, pool its new pairs and judge them; False if already there.

    Needs the trained models `full` reads (engine.pipeline.requirements) and a populated store.
    """
    from engine.pipeline.config import load_config
    from engine.pipeline.requirements import missing_models_message
    from labels import simulate_judgments
    from sample_data.benchmark_queries import build_query_set
    from sample_data.relevance import load_sample_truth
    from workbench.batch_runs import record_runs

    if not any(s.name == QUERY_SET for s in store.query_sets()):
        return False
    if LEARNED_CONFIG in {c.name for c in store.configs()} and \
            not store.run_results_frame([LEARNED_CONFIG], QUERY_SET).empty:
        return False
    config = load_config(LEARNED_CONFIG, workspace)
    if message := missing_models_message(config, workspace):
        raise FileNotFoundError(message)
    catalog = workspace.sample_dir if catalog is None else catalog
    bench = _largest_query_set(catalog, settings, build_query_set)
    records = query_records(bench)
    log(f"[demo] running {LEARNED_CONFIG} (learned CG, relevance and engagement) over {len(records)} queries")
    report = record_runs(context, store, records, [config], k=settings.k)
    if report.failed:
        log(report.summary())
    truth = load_sample_truth(catalog / "items.parquet")
    pool = store.build_task_pool(QUERY_SET, [LEARNED_CONFIG], k=settings.k, overlap=settings.overlap,
                                 seed=settings.seed)
    judged = simulate_judgments(store, oracle_for(bench, truth), seed=settings.seed)
    log(f"[demo] {LEARNED_CONFIG}: {pool.n_new_tasks} new tasks; {judged} simulated judgments")
    return True
