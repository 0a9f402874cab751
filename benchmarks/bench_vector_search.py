"""Vector search at scale: NumPy brute force (the floor) vs LanceDB flat search vs LanceDB ANN indexes.

Vectors are real image embeddings (a workspace's `image_vec`, a saved .npy, or the sample model's embeddings of
freshly generated sample images), duplicated and jittered to reach --n rows: each row is a random base vector
plus Gaussian noise of sigma 0.05 per dimension, renormalised (queries: the same, another seed). With 256
dimensions the noise is about 0.8 of the vector's length, so every base has n / base fuzzy near-copies whose
scores against a query lie within a few hundredths of each other: many near-ties, the hard case for a
quantised index. Prints per-query latency (mean, p50, p95), Recall@10 (and Recall@k at k > 10) against exact
search, and the store's build times. Exact is NumPy brute force; LanceDB's own flat search
(`bypass_vector_index()`) is checked against it on --flat-queries queries.

    python benchmarks/bench_vector_search.py --n 100000 --queries 200
    python benchmarks/bench_vector_search.py --n 100000 --base-vectors FILE.npy   # reuse saved embeddings
    python benchmarks/bench_vector_search.py --n 300000 --workspace WS --index ivf_hnsw_sq,ivf_pq --k 10,100
    python benchmarks/bench_vector_search.py --n 1000000 --workspace WS --index ivf_hnsw_sq --lance-dir DIR

--index takes ivf_pq (the plan used above EXACT_LIMIT before IVF_HNSW_SQ), ivf_hnsw_sq and ivf_sq; each is
built on its own copy of the table, with the parameters engine.index.vector_index plans for --n rows unless
--partitions / --m / --ef-construction say otherwise. --lance-dir keeps the tables and indexes between runs
(a table with an index already built is reused, its build time then read from the first run's log).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing

from engine.index.vector_index import (  # noqa: E402
    ann_query, choose_vector_index, hnsw_sq_plan, index_config, ivf_pq_plan, ivf_sq_plan, top_k_dot,
)

INDEX_KINDS = {"ivf_pq": "IVF_PQ", "ivf_hnsw_sq": "IVF_HNSW_SQ", "ivf_sq": "IVF_SQ"}


def base_vectors(args) -> np.ndarray:
    if args.workspace:
        return workspace_vectors(Path(args.workspace), args.column)
    if args.base_vectors and Path(args.base_vectors).is_file():
        return np.load(args.base_vectors)
    from engine.models.clip_encoder import load_clip
    from sample_data.generate import generate_sample

    folder = Path(tempfile.mkdtemp(prefix="bench-vectors-"))
    generate_sample(folder, n=args.base, seed=args.seed, workers=2, progress=False)
    encoder = load_clip()
    images = sorted((folder / "images").glob("*.jpg"))
    t = time.perf_counter()
    vecs = encoder.encode_images(images, progress=sys.stderr.isatty())
    print(f"embedded {len(images)} images in {time.perf_counter() - t:.1f}s "
          f"({len(images) / (time.perf_counter() - t):.0f} images/s)")
    if args.base_vectors:
        np.save(args.base_vectors, vecs)
    return vecs


def workspace_vectors(root: Path, column: str) -> np.ndarray:
    """The stored vectors of one column of a workspace's items table (read only)."""
    import lancedb

    table = lancedb.connect(root / "lancedb").open_table("items")
    flat = table.search().where(f"{column} IS NOT NULL").select([column]).limit(None).to_arrow().column(column)
    dim = table.schema.field(column).type.list_size
    vecs = np.asarray(flat.combine_chunks().flatten().to_numpy(zero_copy_only=False), np.float32).reshape(-1, dim)
    print(f"{len(vecs):,} base vectors of {column} ({dim} dims) from {root}")
    return vecs


def jittered(base: np.ndarray, n: int, seed: int, sigma: float = 0.05) -> np.ndarray:
    """n rows, each a random base row plus N(0, sigma) noise per dimension, renormalised (built in blocks so
    that 1,000,000 rows need no float64 temporaries)."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(base), n)
    out = np.empty((n, base.shape[1]), np.float32)
    for start in range(0, n, 100_000):
        stop = min(n, start + 100_000)
        rows = base[picks[start:stop]] + rng.normal(0, sigma, (stop - start, base.shape[1])).astype(np.float32)
        out[start:stop] = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return out


def recall_at(found: list[list[int]], exact: np.ndarray, k: int) -> float:
    return float(np.mean([len(set(f[:k]) & set(e[:k].tolist())) / k for f, e in zip(found, exact)]))


def recall_at_10(found: list[list[int]], exact: np.ndarray) -> float:
    return recall_at(found, exact, 10)


@dataclasses.dataclass
class Timing:
    mean: float
    p50: float
    p95: float


def timed(fn, queries) -> tuple[Timing, list]:
    """Per-query latency in ms (mean, p50, p95) and the answers; the first query is run once more before timing."""
    fn(queries[0])  # warm: opens the index files
    out, ms = [], []
    for q in queries:
        t = time.perf_counter()
        out.append(fn(q))
        ms.append((time.perf_counter() - t) * 1000)
    return Timing(float(np.mean(ms)), float(np.percentile(ms, 50)), float(np.percentile(ms, 95))), out


def per_query_ms(fn, queries) -> tuple[float, list]:
    timing, out = timed(fn, queries)
    return timing.mean, out


def ints(text: str) -> list[int]:
    return [int(x) for x in str(text).split(",") if x.strip()]


def plan_for(kind: str, args, dim: int):
    plan = {"IVF_PQ": lambda: ivf_pq_plan(args.n, dim), "IVF_HNSW_SQ": lambda: hnsw_sq_plan(args.n),
            "IVF_SQ": lambda: ivf_sq_plan(args.n)}[kind]()
    changes = {"num_partitions": args.partitions}
    if kind == "IVF_HNSW_SQ":
        changes.update(m=args.m, ef_construction=args.ef_construction)
    return dataclasses.replace(plan, **{k: v for k, v in changes.items() if v})


def open_or_build(db, name: str, ids, vectors, plan, log) -> tuple[object, float | None]:
    """The table `name` holding the vectors with the plan's index: reused when it is already there."""
    dim = vectors.shape[1]
    if name in db.list_tables().tables:
        table = db.open_table(name)
        if table.count_rows() == len(ids) and any("vec" in (i.columns or []) for i in table.list_indices()):
            log(f"{name}: reusing the table and its index")
            return table, None
        db.drop_table(name)
    t = time.perf_counter()
    table = db.create_table(name, pa.table({"id": ids, "vec": pa.FixedSizeListArray.from_arrays(
        pa.array(vectors.reshape(-1)), dim)}))
    log(f"{name}: table write {time.perf_counter() - t:.1f}s; building {plan.describe()}")
    t = time.perf_counter()
    table.create_index("vec", config=index_config(plan))
    build_s = time.perf_counter() - t
    log(f"{name}: index build {build_s:.1f}s")
    return table, build_s


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--base", type=int, default=3000, help="sample items whose embeddings are jittered")
    p.add_argument("--base-vectors", default=None, help="cache of the base embeddings (.npy)")
    p.add_argument("--workspace", default=None, help="take the base embeddings from this workspace's items table")
    p.add_argument("--column", default="image_vec", help="with --workspace: the vector column (default image_vec)")
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--flat-queries", type=int, default=20, help="queries for LanceDB's flat search (slow)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--index", default="ivf_pq", help=f"comma-separated: {', '.join(INDEX_KINDS)} (default ivf_pq)")
    p.add_argument("--k", default="10", help="comma-separated result counts to time, e.g. 10,100 (default 10)")
    p.add_argument("--lance-dir", default=None, help="keep the LanceDB tables here and reuse them (default: temp)")
    p.add_argument("--partitions", type=int, default=0, help="IVF partitions (default: the plan's)")
    p.add_argument("--m", type=int, default=0, help="IVF_HNSW_SQ graph neighbours (default: the plan's)")
    p.add_argument("--ef-construction", type=int, default=0, help="IVF_HNSW_SQ build candidates (default: plan's)")
    p.add_argument("--nprobes", default="", help="comma-separated nprobes to sweep (default: the plan's)")
    p.add_argument("--ef", default="", help="IVF_HNSW_SQ: comma-separated ef values to sweep (default: the plan's)")
    p.add_argument("--refine", default="", help="comma-separated refine factors to sweep (0: none)")
    p.add_argument("--skip-flat", action="store_true", help="leave out LanceDB's flat search")
    args = p.parse_args(argv)
    import lancedb

    kinds = [INDEX_KINDS[x.strip().lower()] for x in args.index.split(",") if x.strip()]
    ks = sorted(set(ints(args.k)))
    kmax = max(ks + [10])

    def log(msg):
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)

    base = base_vectors(args)
    vectors = jittered(base, args.n, args.seed)
    queries = jittered(base, args.queries, args.seed + 1)
    dim = vectors.shape[1]
    ids = np.arange(args.n)
    log(f"{args.n:,} x {dim} vectors, {len(queries)} queries")

    exact_t, exact = timed(lambda q: top_k_dot(vectors, q, kmax)[0][0], queries)
    exact = np.array(exact)
    t = time.perf_counter()
    batch_idx, _ = top_k_dot(vectors, queries, 10)
    batch_ms = (time.perf_counter() - t) * 1000 / len(queries)
    batch_recall = recall_at_10(batch_idx.tolist(), exact)  # < 1 only from float rounding of near-ties
    floor_k = {kmax: exact_t}  # the exact answers above were timed at the largest k
    floor_k.update({k: timed(lambda q: top_k_dot(vectors, q, k)[0][0], queries)[0] for k in set(ks + [10]) - {kmax}})
    log(f"NumPy floor: {exact_t.mean:.2f} ms/query")

    folder = args.lance_dir or tempfile.mkdtemp(prefix="bench-lance-")
    db = lancedb.connect(folder)

    def lance(table, q, k, plan=None, **kw):
        s = table.search(q, vector_column_name="vec").distance_type("dot")
        s = ann_query(s, plan, k) if plan is not None else s.limit(k)
        for name, v in kw.items():
            s = getattr(s, name)() if v is True else getattr(s, name)(v)
        return s.select(["id", "_distance"]).to_arrow().column("id").to_pylist()  # named: lance warns otherwise

    rows = [("NumPy brute force, one query at a time", 10, floor_k[10], 1.0, None),
            (f"NumPy brute force, {len(queries)} queries batched", 10, Timing(batch_ms, batch_ms, batch_ms),
             batch_recall, None)]
    rows += [(f"NumPy brute force, one query at a time", k, floor_k[k], 1.0, 1.0) for k in ks if k != 10]
    builds = []
    for n_kind, kind in enumerate(kinds):
        plan = plan_for(kind, args, dim)
        table, build_s = open_or_build(db, f"{kind.lower()}_{args.n}_{args.seed}_p{plan.num_partitions}"
                                       + (f"_m{plan.m}_efc{plan.ef_construction}" if plan.m else ""),
                                       ids, vectors, plan, log)
        builds.append((kind, plan, build_s))
        if n_kind == 0 and not args.skip_flat:
            nf = min(args.flat_queries, len(queries))
            flat_t, flat = timed(lambda q: lance(table, q, 10, bypass_vector_index=True), queries[:nf])
            rows.append(("LanceDB flat (bypass index)", 10, flat_t, recall_at_10(flat, exact[:nf]), None))
            log(f"LanceDB flat: {flat_t.mean:.1f} ms/query")
        for k in ks:
            for variant in sweep(kind, plan, args, k):
                timing, found = timed(lambda q: lance(table, q, k, variant), queries)
                r10 = recall_at_10(found, exact)
                rk = recall_at(found, exact, k) if k > 10 else None
                label = query_label(variant, k)
                rows.append((label, k, timing, r10, rk))
                log(f"{label} k={k}: p50 {timing.p50:.2f} ms, Recall@10 {r10:.3f}"
                    + (f", Recall@{k} {rk:.3f}" if rk is not None else ""))

    print(f"\n{args.n:,} x {dim} vectors; {len(queries)} queries; exact = NumPy brute force")
    for kind, plan, build_s in builds:
        print(f"{kind} build ({plan.describe()}): " + (f"{build_s:.1f}s" if build_s is not None else "reused"))
    print(f"this size's plan: {choose_vector_index(args.n, dim).describe()}\n")
    print(f"| {'search':58s} | k | ms/query | p50 ms | p95 ms | vs NumPy p50 | Recall@10 | Recall@k |")
    print(f"| {'-' * 58} | --: | -------: | -----: | -----: | -----------: | --------: | -------: |")
    for name, k, t, r10, rk in rows:
        floor = floor_k.get(k, exact_t).p50
        print(f"| {name:58s} | {k} | {t.mean:8.2f} | {t.p50:6.2f} | {t.p95:6.2f} | {t.p50 / floor:11.2f}x "
              f"| {r10:9.3f} | {'' if rk is None else f'{rk:.3f}':>8s} |")
    return 0


def sweep(kind: str, plan, args, k: int) -> list:
    """The query settings timed for one index at k results: the plan's, and what --nprobes / --ef / --refine add."""
    nprobes = ints(args.nprobes) or [plan.nprobes]
    refines = ints(args.refine) if args.refine else None
    if kind == "IVF_PQ":
        if refines is None:
            refines = [0, 10, 30, 50] if k == 10 else [0, 5, 10, 30]
        out = [dataclasses.replace(plan, nprobes=n, refine_factor=r) for n in nprobes for r in refines]
        if not args.nprobes and k == 10:
            out.append(dataclasses.replace(plan, nprobes=plan.nprobes * 2, refine_factor=50))
        return out
    if kind == "IVF_SQ":
        return [dataclasses.replace(plan, nprobes=n, refine_factor=r) for n in nprobes for r in (refines or [0, 2])]
    efs = ints(args.ef) or [plan.ef(k)]
    out = {}  # ef below k * refine is raised to it (plan.ef): keep one of each setting
    for n in nprobes:
        for e in efs:
            for r in (refines if refines is not None else [plan.refine_factor]):
                variant = dataclasses.replace(plan, nprobes=n, refine_factor=r, ef_factor=0, min_ef=e)
                out.setdefault((n, variant.ef(k), r), variant)
    return list(out.values())


def query_label(plan, k: int) -> str:
    text = f"LanceDB {plan.kind} nprobes={plan.nprobes}"
    if plan.kind == "IVF_HNSW_SQ":
        text += f" ef={plan.ef(k)}"
    return text + f" refine={plan.refine_factor}"


if __name__ == "__main__":
    sys.exit(main())
