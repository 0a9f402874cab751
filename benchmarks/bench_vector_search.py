"""Vector search at scale: NumPy brute force (the floor) vs LanceDB flat search vs a LanceDB IVF_PQ index.

Vectors are real sample-model image embeddings, duplicated and jittered to reach --n rows.
Prints per-query latency, Recall@10 against exact search, and the store's build times.

    python benchmarks/bench_vector_search.py --n 100000 --queries 200
    python benchmarks/bench_vector_search.py --n 100000 --base-vectors FILE.npy   # reuse saved embeddings
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing

from engine.index.vector_index import choose_vector_index, top_k_dot  # noqa: E402


def base_vectors(args) -> np.ndarray:
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


def jittered(base: np.ndarray, n: int, seed: int, sigma: float = 0.05) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rows = base[rng.integers(0, len(base), n)] + rng.normal(0, sigma, (n, base.shape[1])).astype(np.float32)
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def recall_at_10(found: list[list[int]], exact: np.ndarray) -> float:
    return float(np.mean([len(set(f[:10]) & set(e[:10].tolist())) / 10 for f, e in zip(found, exact)]))


def per_query_ms(fn, queries) -> tuple[float, list]:
    out = []
    t = time.perf_counter()
    for q in queries:
        out.append(fn(q))
    return (time.perf_counter() - t) * 1000 / len(queries), out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--base", type=int, default=3000, help="sample items whose embeddings are jittered")
    p.add_argument("--base-vectors", default=None, help="cache of the base embeddings (.npy)")
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    import lancedb
    from lancedb.index import IvfPq

    base = base_vectors(args)
    vectors = jittered(base, args.n, args.seed)
    queries = jittered(base, args.queries, args.seed + 1)
    dim = vectors.shape[1]
    ids = np.arange(args.n)

    exact_ms, exact = per_query_ms(lambda q: top_k_dot(vectors, q, 10)[0][0], queries)
    t = time.perf_counter()
    batch_idx, _ = top_k_dot(vectors, queries, 10)
    batch_ms = (time.perf_counter() - t) * 1000 / len(queries)
    exact = np.array(exact)
    batch_recall = recall_at_10(batch_idx.tolist(), exact)  # < 1 only from float rounding of near-ties

    folder = tempfile.mkdtemp(prefix="bench-lance-")
    db = lancedb.connect(folder)
    t = time.perf_counter()
    table = db.create_table("v", pa.table({"id": ids, "vec": pa.FixedSizeListArray.from_arrays(
        pa.array(vectors.reshape(-1)), dim)}))
    write_s = time.perf_counter() - t

    def lance(q, **kw):
        s = table.search(q, vector_column_name="vec").distance_type("dot").limit(10)
        for k, v in kw.items():
            s = getattr(s, k)() if v is True else getattr(s, k)(v)
        return s.select(["id"]).to_arrow().column("id").to_pylist()

    flat_ms, flat = per_query_ms(lambda q: lance(q, bypass_vector_index=True), queries[:20])
    plan = choose_vector_index(args.n, dim, exact_limit=0)
    t = time.perf_counter()
    table.create_index("vec", config=IvfPq(distance_type="dot", num_partitions=plan.num_partitions,
                                           num_sub_vectors=plan.num_sub_vectors))
    build_s = time.perf_counter() - t
    rows = [("NumPy brute force, one query at a time", exact_ms, 1.0),
            (f"NumPy brute force, {len(queries)} queries batched", batch_ms, batch_recall),
            ("LanceDB flat (bypass index)", flat_ms, recall_at_10(flat, exact[:20]))]
    for nprobes, refine in ((plan.nprobes, None), (plan.nprobes, 10), (plan.nprobes, 30), (plan.nprobes, 50),
                            (plan.nprobes * 2, 50)):
        kw = {"nprobes": nprobes, **({"refine_factor": refine} if refine else {})}
        ms, found = per_query_ms(lambda q: lance(q, **kw), queries)
        rows.append((f"LanceDB IVF_PQ nprobes={nprobes} refine={refine or 0}", ms, recall_at_10(found, exact)))

    print(f"\n{args.n:,} x {dim} vectors; {len(queries)} queries; exact = NumPy brute force")
    print(f"LanceDB table write {write_s:.1f}s, IVF_PQ build ({plan.num_partitions} partitions, "
          f"{plan.num_sub_vectors} sub-vectors) {build_s:.1f}s\n")
    print(f"| {'search':45s} | ms/query | vs NumPy | Recall@10 |")
    print(f"| {'-' * 45} | -------- | -------- | --------- |")
    for name, ms, rec in rows:
        print(f"| {name:45s} | {ms:8.2f} | {ms / exact_ms:7.1f}x | {rec:9.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
