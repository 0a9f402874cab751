"""Index build time: `build_index` on the sample catalog with the real models, then a store-only build
at a larger size (rows duplicated with jittered vectors: write, BM25 and the planned ANN index, IVF_HNSW_SQ).

    python benchmarks/bench_index.py --n 3000 --scale-to 100000
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


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=3000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--scale-to", type=int, default=100_000)
    args = p.parse_args(argv)
    import lancedb
    from lancedb.index import FTS

    from engine.catalog import ingest_catalog
    from engine.index.build import build_index
    from engine.index.store import open_items_table
    from engine.index.vector_index import choose_vector_index, index_config
    from engine.models.clip_encoder import load_clip
    from engine.models.text_encoder import load_text_encoder
    from engine.workspace import Workspace
    from sample_data.generate import generate_sample

    root = Path(tempfile.mkdtemp(prefix="bench-index-"))
    workspace = Workspace(root / "ws").create()
    generate_sample(workspace.sample_dir, n=args.n, seed=args.seed, workers=2, progress=False)
    ingest_catalog(workspace, workspace.sample_dir, workspace.sample_dir / "items.parquet", progress=False)
    t = time.perf_counter()
    clip, text = load_clip(), load_text_encoder()
    load_s = time.perf_counter() - t
    first = build_index(workspace, clip, text, search_log=workspace.sample_dir / "search_log",
                        progress=sys.stderr.isatty())
    second = build_index(workspace, clip, text, search_log=workspace.sample_dir / "search_log")
    print(f"\n{args.n} items, 2 cores; models loaded in {load_s:.1f}s")
    print("| step | first build (s) | second build, nothing new (s) |\n| --- | --- | --- |")
    for key in first.seconds:
        print(f"| {key} | {first.seconds[key]:.1f} | {second.seconds.get(key, 0):.1f} |")
    print(f"images embedded per second: {first.embedded_images / first.seconds['embed_images']:.0f}; "
          f"texts (CLIP text + MiniLM) per second: {first.embedded_texts / first.seconds['embed_texts']:.0f}")

    # Store-only build at scale: the same rows repeated with new ids and jittered vectors.
    base = open_items_table(workspace).to_arrow().filter(pa.compute.is_valid(pa.compute.field("image_vec")))
    rng = np.random.default_rng(0)
    picks = rng.integers(0, base.num_rows, args.scale_to)
    big = base.take(pa.array(picks))
    ids = pa.array([f"x{i:07d}" for i in range(args.scale_to)])
    big = big.set_column(big.schema.get_field_index("item_id"), "item_id", ids)
    for col in ("image_vec", "clip_text_vec", "text_vec"):
        vecs = np.stack(big.column(col).to_numpy(zero_copy_only=False)).astype(np.float32)
        vecs += rng.normal(0, 0.05, vecs.shape).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        field = big.schema.field(col)
        big = big.set_column(big.schema.get_field_index(col), field,
                             pa.FixedSizeListArray.from_arrays(pa.array(vecs.reshape(-1)), vecs.shape[1]))
    db = lancedb.connect(str(root / "big"))
    t = time.perf_counter()
    table = db.create_table("items", big)
    write_s = time.perf_counter() - t
    t = time.perf_counter()
    table.create_index("enriched_text", config=FTS(), replace=True)
    fts_s = time.perf_counter() - t
    plan = choose_vector_index(args.scale_to, clip.dim, exact_limit=0)
    t = time.perf_counter()
    table.create_index("image_vec", config=index_config(plan))
    ivf_s = time.perf_counter() - t
    print(f"\n{args.scale_to:,} rows (store only, vectors given): write {write_s:.1f}s, BM25 index {fts_s:.1f}s, "
          f"{plan.kind} on image_vec {ivf_s:.1f}s ({plan.describe()}); at this size the rule picks "
          f"{choose_vector_index(args.scale_to, clip.dim).describe()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
