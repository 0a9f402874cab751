"""Search latency per stage (p50, p95) over the benchmark queries, beside the floor of bare NumPy vector search.

    python benchmarks/bench_search_latency.py --home /tmp/ws3000 --catalog /tmp/s3000
    python benchmarks/bench_search_latency.py --home /tmp/ws3000 --catalog /tmp/s3000 --items 100000   # /tmp/ws100k

Every item's zero-shot attribute reading is made first, in one batch (as a tagger column would hold it), and
each query runs once to warm up (models, caches), then once timed; before the timed
run the context's query-vector cache is emptied, so the query's own text and crop embeddings are paid
for, as for a query never seen before. The floor per query is what the config's vector CG calls cost as
bare NumPy: one `matrix @ q` + argpartition of fetch_k per call over the loaded matrices (plus the
surrogate search of a crop); BM25 (lexical) has no floor here. `--items N` first builds a synthetic
workspace of N rows (default folder /tmp/ws100k) by replicating the source workspace's rows with small
noise on every vector and new item ids, and an FTS index, so latency at N items needs no re-embedding.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing

from sample_data.benchmark_queries import build_query_set  # noqa: E402
from engine.index.columns import CLIP_TEXT_VEC, ENRICHED_TEXT, IMAGE_VEC, TEXT_VEC  # noqa: E402

STAGES = ("understand", "generate", "features", "rerank", "total")
VECTOR_COLUMN_OF_CG = {"text": TEXT_VEC, "late_fusion": IMAGE_VEC, "early_fusion": IMAGE_VEC}
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


def time_config(context, config, queries, k: int, seed: int) -> dict[str, list[float]]:
    """Per-stage milliseconds of every query (second, timed pass) and the floor of each."""
    from engine.pipeline.search import search

    for q in queries:  # warm-up pass
        search(context, q.query, config, k=k)
    matrices = {c: context.searcher(c).matrix for c in (IMAGE_VEC, TEXT_VEC)}
    rng = np.random.default_rng(seed)
    out: dict[str, list[float]] = {s: [] for s in (*STAGES, "floor")}
    for q in queries:
        context.cache.pop("vectors", None)  # a new query pays for embedding its own text and crop
        response = search(context, q.query, config, k=k)
        for stage in STAGES:
            out[stage].append(response.timings_ms[stage])
        out["floor"].append(floor_ms(matrices, vector_columns(config, q.query), config.fetch_k, rng))
    return out


def replicate_workspace(source_home: Path, out_home: Path, n_items: int, seed: int = 0) -> Path:
    """A workspace of n_items rows: the source's rows, then copies with new ids and noisy vectors; FTS indexed."""
    import lancedb
    import pyarrow as pa
    from lancedb.index import FTS

    from engine.index.store import ITEMS_TABLE, open_items_table
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
    rng = np.random.default_rng(seed)
    db = lancedb.connect(str(out_home / "lancedb"))
    table = None
    copies = math.ceil(n_items / base.num_rows)
    for copy in range(copies):
        part = base.slice(0, min(base.num_rows, n_items - copy * base.num_rows))
        if copy:
            columns = {name: part.column(name) for name in part.column_names}
            columns["item_id"] = pa.array([f"{i}-x{copy:02d}" for i in part.column("item_id").to_pylist()])
            for name in (IMAGE_VEC, CLIP_TEXT_VEC, TEXT_VEC):
                columns[name] = _noisy(part.column(name), schema.field(name).type, rng)
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
    return out_home


def _noisy(column, type_, rng: np.random.Generator):
    """Vectors plus Gaussian noise, re-normalised; null rows stay null."""
    import pyarrow as pa

    flat = column.combine_chunks()
    dim = type_.list_size
    valid = np.asarray(flat.is_valid())
    values = np.zeros((len(flat), dim), np.float32)
    if valid.any():
        values[valid] = np.stack(flat.filter(pa.array(valid)).to_numpy(zero_copy_only=False))
    values += rng.standard_normal(values.shape).astype(np.float32) * (NOISE / math.sqrt(dim))
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
                replicate_workspace(home, out, args.items, seed=args.seed)
                print(f"built {out} with {args.items:,} rows in {time.perf_counter() - t:.0f} s", file=sys.stderr)
            home = out
        context = SearchContext.open(Workspace(home))
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    import os

    import torch

    from engine.features.item_attributes import reader_for

    t = time.perf_counter()
    reader_for(context).read_items(list(context.items))  # as if a tagger column held every item's attributes
    print(f"read the attributes of {len(context.items):,} items in {time.perf_counter() - t:.1f} s", file=sys.stderr)

    rows = []
    for config in configs:
        times = time_config(context, config, queries, args.k, args.seed)
        row = {"config": config.name, "items": len(context.items), "queries": len(queries),
               "vector_calls": sum(1 for cg, _ in config.calls() if cg in VECTOR_COLUMN_OF_CG)}
        for stage, values in times.items():
            row[f"{stage}_p50"], row[f"{stage}_p95"] = percentiles(values)
        row["total_over_floor_p50"] = row["total_p50"] / row["floor_p50"] if row["floor_p50"] else float("nan")
        rows.append(row)
    if args.json:
        for row in rows:
            print(json.dumps(row))
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
