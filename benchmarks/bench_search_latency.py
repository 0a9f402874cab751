"""Search latency per stage (p50, p95) over the benchmark queries, beside the floor of bare NumPy vector search.

    python benchmarks/bench_search_latency.py --home /tmp/ws3000 --catalog /tmp/s3000
    python benchmarks/bench_search_latency.py --home /tmp/ws3000 --catalog /tmp/s3000 --items 100000   # /tmp/ws100k
    python benchmarks/bench_search_latency.py --home WS --catalog /tmp/s3000 --items 300000 --out-home /tmp/ws300k
    python benchmarks/bench_search_latency.py --home WS --catalog /tmp/s3000 --profile   # cProfile per stage

Every item's zero-shot attribute reading is made first, in one batch (as a tagger column would hold it), and
each query runs once to warm up (models, caches), then once timed; before the timed
run the context's query-vector caches are emptied, so the query's own text, SearchSage and crop embeddings are paid
for, as for a query never seen before. The floor per query is what the config's vector CG calls cost as
bare NumPy: one `matrix @ q` + argpartition of fetch_k per call over the loaded matrices (plus the
surrogate search of a crop); BM25 (lexical) has no floor here. `--items N` first builds a synthetic
workspace of N rows (default folder /tmp/ws100k) by replicating the source workspace's rows with small
noise on every vector (the learned column too) and new item ids, an FTS index, the vocabulary and the
source's trained models (stamped with the replica's catalog hash), so latency at N items needs no
re-embedding and `full` runs there; above engine.index.vector_index.EXACT_LIMIT rows every vector column gets
the ANN index (IVF_HNSW_SQ) `workbench index` would plan, and the run ends with the ANN Recall@10 of the CG query
vectors it recorded against LanceDB's exact search (bypass_vector_index). The issue-17 aims that apply to
the run are printed as measured / aim, from the same run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import shutil
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing

from sample_data.benchmark_queries import build_query_set  # noqa: E402
from engine.index.columns import CLIP_TEXT_VEC, ENRICHED_TEXT, IMAGE_VEC, TEXT_VEC  # noqa: E402

STAGES = ("understand", "generate", "features", "rerank", "total")
LEARNED_VEC = "learned_vec"  # engine.models.searchsage.item_column.LEARNED_VEC
VECTOR_COLUMN_OF_CG = {"text": TEXT_VEC, "late_fusion": IMAGE_VEC, "early_fusion": IMAGE_VEC, "learned": LEARNED_VEC}
NOISE = 0.02  # per-dimension noise (times 1/sqrt(dim)) added to replicated vectors, before re-normalising
SURROGATE_POOL = 20  # engine/pipeline/understand.py: nearest images looked at for a crop's surrogate


def percentiles(values) -> tuple[float, float]:
    """(p50, p95) of a list of milliseconds."""
    array = np.asarray(values, np.float64)
    return float(np.percentile(array, 50)), float(np.percentile(array, 95))


def floor_ms(matrices: dict[str, np.ndarray], columns: list[str], fetch_k: int, rng: np.random.Generator) -> float:
    """Milliseconds of one `matrix @ q` + argpartition per listed column (the bare vector searches of a query)."""
    queries = [rng.standard_normal(matrices[c].shape[1]).astype(np.float32) for c in columns]
    t = time.perf_counter()
    for column, q in zip(columns, queries):
        scores = matrices[column] @ q
        k = min(fetch_k, len(scores) - 1)
        top = np.argpartition(-scores, k)[:k]
        top[np.argsort(-scores[top])]
    return (time.perf_counter() - t) * 1000


def vector_columns(config, query) -> list[str]:
    """The vector column searched by each vector CG call of `config`, plus the crop's surrogate search."""
    columns = [VECTOR_COLUMN_OF_CG[cg] for cg, _ in config.calls() if cg in VECTOR_COLUMN_OF_CG]
    return columns + ([IMAGE_VEC] if query.crop is not None else [])


FRESH_QUERY_CACHES = ("vectors", "searchsage_query_cache")  # context.cache entries a query never seen before lacks


def floor_matrices(context) -> dict[str, np.ndarray]:
    """Every vector column as a NumPy matrix (an indexed column holds none in its searcher: read it here)."""
    from engine.index.store import read_columns
    from engine.index.vectors import arrow_vectors

    out = {}
    for column in {*VECTOR_COLUMN_OF_CG.values()}:
        if column not in context.table.schema.names:
            continue
        searcher = context.searcher(column)
        if searcher.plan.kind == "exact":
            out[column] = searcher.matrix
        else:
            _, matrix, valid = arrow_vectors(read_columns(context.table, ["item_id", column]), column, searcher.dim)
            out[column] = matrix[valid]
    return out


def time_config(context, config, queries, k: int, seed: int, matrices: dict[str, np.ndarray],
                profiler=None) -> dict[str, list[float]]:
    """Per-stage milliseconds of every query (second, timed pass) and the floor of each."""
    from engine.pipeline.search import search

    for q in queries:  # warm-up pass
        search(context, q.query, config, k=k)
    rng = np.random.default_rng(seed)
    out: dict[str, list[float]] = {s: [] for s in (*STAGES, "floor")}
    for q in queries:
        for key in FRESH_QUERY_CACHES:  # a new query pays for embedding its own text and crop
            context.cache.pop(key, None)
        if profiler is not None:
            response = profiler.search(context, q.query, config, k)
        else:
            response = search(context, q.query, config, k=k)
        for stage in STAGES:
            out[stage].append(response.timings_ms[stage])
        out["floor"].append(floor_ms(matrices, vector_columns(config, q.query), config.fetch_k, rng))
    return out


def compare_interleaved(context, configs, queries, k: int, settings: dict[str, object]) -> list[str]:
    """Every query under every setting (name -> a context manager factory that applies it), the settings' order
    alternating query by query so that the machine's load falls on each alike; a markdown table of total ms per
    config and setting."""
    from engine.pipeline.search import search

    for q in queries:  # warm-up pass
        for config in configs:
            search(context, q.query, config, k=k)
    names = list(settings)
    times = {(c.name, s): [] for c in configs for s in names}
    for i, q in enumerate(queries):
        for name in (names if i % 2 == 0 else names[::-1]):
            with settings[name]():
                for config in configs:
                    for key in FRESH_QUERY_CACHES:
                        context.cache.pop(key, None)
                    times[(config.name, name)].append(search(context, q.query, config, k=k).timings_ms["total"])
    out = [f"{len(queries)} queries, each under every setting in turn",
           "| config | " + " | ".join(f"{s}: p50 / p95 ms" for s in names) + " |", "|---|" + "---:|" * len(names)]
    for config in configs:
        out.append(f"| {config.name} | " + " | ".join("{:.1f} / {:.1f}".format(*percentiles(times[(config.name, s)]))
                                                   for s in names) + " |")
    if {FULL, BASELINE} <= {c.name for c in configs}:
        out.append("full p50 / baseline p50: " + ", ".join(
            f"{np.median(times[(FULL, s)]) / np.median(times[(BASELINE, s)]):.2f}x with {s}" for s in names))
    return out


def torch_thread_settings(counts: list[int]) -> dict[str, object]:
    """`--torch-threads`: a search's torch thread count (engine/pipeline/torch_threads.py; 0: torch's own)."""
    import torch

    import engine.pipeline.torch_threads as torch_threads

    def setting(count: int):
        @contextlib.contextmanager
        def applied():
            before = torch_threads.SEARCH_TORCH_THREADS
            torch_threads.SEARCH_TORCH_THREADS = count
            try:
                yield
            finally:
                torch_threads.SEARCH_TORCH_THREADS = before
        return applied

    return {f"torch threads {c}" + (f" (torch's own, {torch.get_num_threads()})" if c == 0 else ""): setting(c)
            for c in counts}


def one_pass_settings() -> dict[str, object]:
    """`--one-pass`: the calls on one exact column scored in one pass (VectorSearcher.search_many, the default),
    or one search per call, as before it."""
    from engine.index.vectors import VectorSearcher

    @contextlib.contextmanager
    def one_by_one():
        fused = VectorSearcher.search_many
        VectorSearcher.search_many = lambda self, queries, k: [self.search(q, k) for q in queries]
        try:
            yield
        finally:
            VectorSearcher.search_many = fused

    return {"one pass": contextlib.nullcontext, "one search per call": one_by_one}


class StageProfiler:
    """cProfile of each pipeline stage, summed over the queries it times (`--profile`)."""

    STAGE_FUNCTIONS = {"understand": "understand", "generate": "generate", "features": "add_features",
                       "rerank": "rerank"}  # stage -> the name engine.pipeline.search calls it by

    def __init__(self):
        import cProfile

        self.profiles = {stage: cProfile.Profile() for stage in self.STAGE_FUNCTIONS}
        self.queries = 0

    def search(self, context, query, config, k: int):
        import engine.pipeline.search as pipeline

        originals = {name: getattr(pipeline, name) for name in self.STAGE_FUNCTIONS.values()}
        try:
            for stage, name in self.STAGE_FUNCTIONS.items():
                setattr(pipeline, name, self._profiled(originals[name], self.profiles[stage]))
            self.queries += 1
            return pipeline.search(context, query, config, k=k)
        finally:
            for name, function in originals.items():
                setattr(pipeline, name, function)

    @staticmethod
    def _profiled(function, profile):
        def run(*args, **kwargs):
            profile.enable()
            try:
                return function(*args, **kwargs)
            finally:
                profile.disable()
        return run

    def summary(self, top: int = 8) -> str:
        """Per stage: ms per query, then the top functions by cumulative time (ms per query)."""
        import pstats

        lines = []
        for stage, profile in self.profiles.items():
            stats = pstats.Stats(profile).stats
            if not stats:
                continue
            total = max(v[3] for v in stats.values())  # the stage function's own cumulative time
            lines.append(f"{stage}: {total * 1000 / max(self.queries, 1):.1f} ms/query (profiled)")
            ranked = sorted(stats.items(), key=lambda kv: -kv[1][3])
            for (path, line, name), (_, calls, tottime, cumtime, _) in ranked[1:top + 1]:
                where = "/".join(Path(path).parts[-2:]) if path != "~" else "builtin"
                lines.append(f"    {cumtime * 1000 / max(self.queries, 1):7.1f} ms  {calls / max(self.queries, 1):6.1f} "
                             f"calls  {where}:{line}({name})")
        return "\n".join(lines)


REPLICA_SUFFIX = re.compile(r"-x\d+$")  # replicate_workspace's copy ids: ORIGINAL-xNN


def ann_recall(context, recorded: list[tuple[str, np.ndarray]], k: int = 10, *, originals: bool = False
               ) -> dict[str, float]:
    """Recall@k of the indexed columns' ANN answers against LanceDB's exact search (bypass_vector_index).

    originals=True counts a replica's copies as their original item: the replica holds n / 3,000 copies of each
    item whose vectors differ, at the default --replica-noise, by 0.02 / sqrt(dim) a dimension, so the exact top
    10 is often ten copies of one or two items in an order the noise decides; this says whether the ANN answer
    found those items."""
    per_column: dict[str, list[float]] = {}
    for column, query in recorded:
        ann = {h.item_id for h in context.searcher(column).search(query, k)}
        exact = set(context.table.search(query, vector_column_name=column).distance_type("dot").bypass_vector_index()
                    .limit(k).select(["item_id"]).to_arrow().column("item_id").to_pylist())
        if originals:
            ann, exact = ({REPLICA_SUFFIX.sub("", i) for i in ids} for ids in (ann, exact))
        per_column.setdefault(column, []).append(len(ann & exact) / max(len(exact), 1))
    return {column: float(np.mean(values)) for column, values in per_column.items()}


def record_ann_queries(context, limit: int) -> list[tuple[str, np.ndarray]]:
    """Start recording the query vectors sent to the indexed (ANN) columns, at most `limit` per column."""
    recorded: list[tuple[str, np.ndarray]] = []
    for column in {*VECTOR_COLUMN_OF_CG.values()}:
        if column not in context.table.schema.names or context.searcher(column).plan.kind == "exact":
            continue
        searcher = context.searcher(column)

        def search(query, k, searcher=searcher, column=column, original=searcher.search):
            if sum(c == column for c, _ in recorded) < limit:
                recorded.append((column, np.asarray(query, np.float32).reshape(-1).copy()))
            return original(query, k)
        searcher.search = search
    return recorded


def replicate_workspace(source_home: Path, out_home: Path, n_items: int, seed: int = 0, noise: float = NOISE) -> Path:
    """A workspace of n_items rows: the source's rows, then copies with new ids and noisy vectors (the learned
    column too); FTS indexed, each vector column indexed as `workbench index` would plan it for n_items rows
    (IVF_HNSW_SQ above engine.index.vector_index.EXACT_LIMIT), the vocabulary and trained models copied."""
    import lancedb
    import pyarrow as pa
    from lancedb.index import FTS

    from engine.index.build import apply_plan, index_item_ids
    from engine.index.store import ITEMS_TABLE, open_items_table
    from engine.index.vector_index import choose_vector_index
    from engine.workspace import Workspace

    source = open_items_table(Workspace(Path(source_home)))
    if n_items < source.count_rows():
        raise ValueError(f"--items {n_items} is fewer than the source's {source.count_rows()} rows; "
                         "ask for at least as many")
    if out_home.exists() and any(out_home.iterdir()):
        raise ValueError(f"{out_home} exists and is not empty; remove it or pass --out-home another folder")
    out_home.mkdir(parents=True, exist_ok=True)
    (out_home / "catalog").symlink_to(Path(source_home).resolve() / "catalog")  # same images, same paths
    base = source.to_arrow()
    schema = source.schema
    vectors = [n for n in (IMAGE_VEC, CLIP_TEXT_VEC, TEXT_VEC, LEARNED_VEC) if n in schema.names]
    rng = np.random.default_rng(seed)
    db = lancedb.connect(str(out_home / "lancedb"))
    table = None
    copies = math.ceil(n_items / base.num_rows)
    for copy in range(copies):
        part = base.slice(0, min(base.num_rows, n_items - copy * base.num_rows))
        if copy:
            columns = {name: part.column(name) for name in part.column_names}
            columns["item_id"] = pa.array([f"{i}-x{copy:02d}" for i in part.column("item_id").to_pylist()])
            for name in vectors:
                columns[name] = _noisy(part.column(name), schema.field(name).type, rng, noise)
            part = pa.table([columns[n] for n in schema.names], schema=schema)
        if table is None:
            table = db.create_table(ITEMS_TABLE, data=part, schema=schema)
        else:
            table.add(part)
    table.create_index(ENRICHED_TEXT, config=FTS(), replace=True)
    for field in schema:  # lance may drop field metadata on create: the model identities and index plans
        if field.metadata:
            table.update_field_metadata({"path": field.name,
                                         "metadata": {k.decode(): v.decode() for k, v in field.metadata.items()}})
    for name in vectors:
        plan = choose_vector_index(n_items, schema.field(name).type.list_size)
        if plan.kind != "exact":
            t = time.perf_counter()
            apply_plan(table, name, plan)
            print(f"{name}: {plan.describe()} built in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    if choose_vector_index(n_items, 1).kind != "exact":
        index_item_ids(table)
    if (Path(source_home) / "vocabulary.toml").is_file():  # the same query parsing as the source
        shutil.copy(Path(source_home) / "vocabulary.toml", out_home / "vocabulary.toml")
    return out_home


TRAINED_MODELS = {"searchsage.json": "catalog_hash", "relevance-student.json": "data_hash",
                  "engagement.json": "catalog_hash"}  # metadata file -> its catalog-hash field


def copy_trained_models(source_home: Path, out_home: Path) -> list[str]:
    """The source's trained models (SearchSage, relevance student, engagement) in a replicated workspace.

    A learned model records the hash of the item ids it was trained over and refuses another catalog; the
    copies are stamped with the replicated catalog's hash. Their features read items by id, and every
    replicated row carries the vectors and readings of its original (plus noise), so they score as at the
    source. Only for latency: the replica's quality is not measured.
    """
    import json

    from engine.index.store import open_items_table, read_columns
    from engine.models.checkpoint_files import catalog_hash
    from engine.workspace import Workspace

    source_models, out_models = Path(source_home) / "models", Path(out_home) / "models"
    if not source_models.is_dir():
        return []
    out_models.mkdir(parents=True, exist_ok=True)
    ids = read_columns(open_items_table(Workspace(Path(out_home))), ["item_id"]).column("item_id").to_pylist()
    stamp = catalog_hash(ids)
    copied = []
    for path in sorted(source_models.iterdir()):
        if not path.is_file():
            continue
        target = out_models / path.name
        if path.name in TRAINED_MODELS:
            meta = json.loads(path.read_text())
            meta[TRAINED_MODELS[path.name]] = stamp
            target.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
        else:
            shutil.copy(path, target)
        copied.append(path.name)
    return copied


def _noisy(column, type_, rng: np.random.Generator, noise: float = NOISE):
    """Vectors plus Gaussian noise, re-normalised; null rows stay null."""
    import pyarrow as pa

    flat = column.combine_chunks()
    dim = type_.list_size
    valid = np.asarray(flat.is_valid())
    values = np.zeros((len(flat), dim), np.float32)
    if valid.any():
        values[valid] = np.stack(flat.filter(pa.array(valid)).to_numpy(zero_copy_only=False))
    values += rng.standard_normal(values.shape).astype(np.float32) * (noise / math.sqrt(dim))
    values /= np.maximum(np.linalg.norm(values, axis=1, keepdims=True), 1e-12)
    return pa.FixedSizeListArray.from_arrays(pa.array(values.ravel(), type_.value_type), dim,
                                             mask=pa.array(~valid))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, help="an indexed workspace of the sample catalog")
    parser.add_argument("--catalog", required=True, help="the sample catalog folder (for the benchmark queries)")
    parser.add_argument("--configs", default="full,baseline", help="comma-separated config names")
    parser.add_argument("--n", type=int, default=100, help="pivot + descriptor queries (half each)")
    parser.add_argument("--crops", type=int, default=16, help="crop queries")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--items", type=int, default=None, help="replicate --home to this many rows first")
    parser.add_argument("--out-home", default="/tmp/ws100k", help="where --items builds its workspace")
    parser.add_argument("--replica-noise", type=float, default=NOISE,
                        help="the length of the noise added to each copy's vectors before re-normalising (default "
                             f"{NOISE}: near-exact copies of the sample's items; 0.5 spreads them like distinct items)")
    parser.add_argument("--profile", action="store_true", help="cProfile each stage of the timed pass; print the top")
    parser.add_argument("--recall-queries", type=int, default=50,
                        help="ANN query vectors per indexed column checked against exact search (Recall@10)")
    parser.add_argument("--torch-threads", default=None, metavar="A,B",
                        help="instead of the stage table: each query under each of these search torch thread "
                             "counts in turn (engine/pipeline/torch_threads.py; 0 = torch's own setting), p50/p95")
    parser.add_argument("--one-pass", action="store_true",
                        help="instead of the stage table: each query with the calls on one exact vector column "
                             "scored in one pass and with one search per call, in turn, p50/p95")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from engine.pipeline.config import load_config
    from engine.pipeline.context import SearchContext
    from engine.workspace import Workspace

    try:
        configs = [load_config(n.strip()) for n in args.configs.split(",") if n.strip()]
        queries = build_query_set(args.catalog, n=args.n, n_crops=args.crops, seed=args.seed)
        home = Path(args.home)
        if args.items is not None:
            out = Path(args.out_home)
            if not (out / "lancedb").is_dir():
                t = time.perf_counter()
                replicate_workspace(home, out, args.items, seed=args.seed, noise=args.replica_noise)
                print(f"built {out} with {args.items:,} rows in {time.perf_counter() - t:.0f} s", file=sys.stderr)
            copy_trained_models(home, out)
            home = out
        context = SearchContext.open(Workspace(home))
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    import torch

    from engine.features.item_attributes import reader_for

    t = time.perf_counter()
    reader_for(context).read_items(list(context.items))  # as if a tagger column held every item's attributes
    print(f"read the attributes of {len(context.items):,} items in {time.perf_counter() - t:.1f} s", file=sys.stderr)

    if args.torch_threads or args.one_pass:
        settings = (one_pass_settings() if args.one_pass
                    else torch_thread_settings([int(v) for v in args.torch_threads.split(",")]))
        for line in compare_interleaved(context, configs, queries, args.k, settings):
            print(line)
        return 0
    matrices = floor_matrices(context)
    recorded = record_ann_queries(context, args.recall_queries)
    rows, profiles = [], {}
    for config in configs:
        profiler = StageProfiler() if args.profile else None
        times = time_config(context, config, queries, args.k, args.seed, matrices, profiler)
        if profiler is not None:
            profiles[config.name] = profiler.summary()
        row = {"config": config.name, "items": len(context.items), "queries": len(queries),
               "vector_calls": sum(1 for cg, _ in config.calls() if cg in VECTOR_COLUMN_OF_CG)}
        for stage, values in times.items():
            row[f"{stage}_p50"], row[f"{stage}_p95"] = percentiles(values)
        row["total_over_floor_p50"] = row["total_p50"] / row["floor_p50"] if row["floor_p50"] else float("nan")
        rows.append(row)
    recall = ann_recall(context, recorded) if recorded else {}
    aims = check_aims(rows, recall)
    if args.json:
        for row in rows:
            print(json.dumps(row))
        print(json.dumps({"recall@10": recall, "aims": aims}))
        return 0
    print(f"cpu_count={os.cpu_count()}, torch threads={torch.get_num_threads()}, queries={len(queries)} "
          f"(warm: each run once before the timed run; query-vector cache emptied before each timed query)")
    print("| config | items | vector calls | " + " | ".join(f"{s} p50 / p95 ms" for s in (*STAGES, "floor"))
          + " | total / floor (p50) |")
    print("|---|---:|---:|" + "---:|" * (len(STAGES) + 2))
    for r in rows:
        print(f"| {r['config']} | {r['items']:,} | {r['vector_calls']} | "
              + " | ".join(f"{r[f'{s}_p50']:.1f} / {r[f'{s}_p95']:.1f}" for s in (*STAGES, "floor"))
              + f" | {r['total_over_floor_p50']:.0f}x |")
    plans = {c: context.searcher(c).plan.describe() for c in sorted(matrices)}
    print("vector search: " + "; ".join(f"{c} {p}" for c, p in plans.items()))
    by_original = ann_recall(context, recorded, originals=True) if recorded else {}
    for column, value in recall.items():
        print(f"ANN Recall@10 of {column} against exact search (bypass_vector_index): {value:.3f} "
              f"over {sum(c == column for c, _ in recorded)} recorded CG query vectors; counting a replica's "
              f"copies as their original item: {by_original[column]:.3f}")
    for line in aims:
        print(line)
    for name, summary in profiles.items():
        print(f"\nprofile of {name} (cProfile, per query of the timed pass):\n{summary}")
    return 0


AIM_RATIO_3K = 2.0  # `full` p50 within 2x the text baseline's, same run (at the sample's 3,000 items)
AIM_100K = (50.0, 100.0)  # `full` p50, p95 ms on 2 cores at 100,000 items
AIM_ANN_P50, AIM_RECALL = 150.0, 0.95  # through an ANN index (above EXACT_LIMIT rows)
FULL, BASELINE = "full", "baseline"


def check_aims(rows: list[dict], recall: dict[str, float]) -> list[str]:
    """The issue-17 aims that apply to this run, each as measured / aim and met or not."""
    from engine.index.vector_index import EXACT_LIMIT

    by = {r["config"]: r for r in rows}
    if FULL not in by:
        return []
    full, items, out = by[FULL], by[FULL]["items"], []

    def line(what: str, value: float, aim: float, unit: str = "") -> str:
        met = value <= aim if unit != "recall" else value >= aim
        shown = f"{value:.3f}" if unit == "recall" else f"{value:.2f}{unit}"
        return f"aim {what}: {shown} (aim {'>=' if unit == 'recall' else '<='} {aim:g}{'' if unit == 'recall' else unit}) " \
               f"{'met' if met else 'NOT met'}"

    if BASELINE in by:
        ratio = full["total_p50"] / by[BASELINE]["total_p50"]
        out.append(line(f"full p50 / baseline p50 at {items:,} items (aim at 3,000)", ratio, AIM_RATIO_3K, "x"))
    if items > 10_000:
        out.append(line(f"full p50 at {items:,} items (aim at 100,000)", full["total_p50"], AIM_100K[0], " ms"))
        out.append(line(f"full p95 at {items:,} items (aim at 100,000)", full["total_p95"], AIM_100K[1], " ms"))
    if items > EXACT_LIMIT:
        out.append(line(f"full p50 through the ANN index at {items:,} items (aim at 1,000,000)", full["total_p50"],
                        AIM_ANN_P50, " ms"))
        for column, value in recall.items():
            out.append(line(f"Recall@10 of {column}", value, AIM_RECALL, "recall"))
    return out


if __name__ == "__main__":
    raise SystemExit(main())
