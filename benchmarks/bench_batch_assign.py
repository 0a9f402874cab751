"""Throughput of batch attribute assignment (items/s): a plain loop, the overlapped local runner, Ray Data.

    python benchmarks/bench_batch_assign.py --home /tmp/ws3000 --catalog /tmp/s3000 [--items 600]

Every runner re-embeds the items from the catalog's image files (--catalog: items.parquet's image_path,
relative to it) and their enriched text with the workspace's open_clip and MiniLM, then scores them with
the workspace's trained tagger; nothing is written (the workspace is only read). The plain loop is the
baseline; ratios are against it, in the same run. All runners must give the same attributes.

On a Ray cluster the same job runs unchanged after `ray.init(address="auto")` (pass ray_init={"address":
"auto"} to batch_assign / run_job): the rows (or `ray.data.read_parquet` of the catalog) are split into
blocks, stage A runs as CPU tasks on every node, stage B as `--concurrency` actors that each load the
models once (`num_gpus=1` per actor on GPU nodes); image paths must resolve on every worker (shared
storage: NFS, or object-store URLs read in stage A), and the tagger checkpoint must be readable there too.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing

from engine.attributes.batch.job import read_item_rows, run_job, workspace_spec  # noqa: E402
from engine.attributes.batch.stages import load_models  # noqa: E402
from engine.attributes.tagger_checkpoint import workspace_checkpoint  # noqa: E402
from engine.index.store import open_items_table  # noqa: E402
from engine.workspace import Workspace  # noqa: E402


def catalog_rows(rows: list[dict], catalog: Path) -> list[dict]:
    """The rows with image_path pointing into the source catalog folder (items.parquet's image_path)."""
    import pyarrow.parquet as pq

    paths = dict(zip(*pq.read_table(catalog / "items.parquet", columns=["item_id", "image_path"])
                     .to_pydict().values()))
    missing = [r["item_id"] for r in rows if r["item_id"] not in paths]
    if missing:
        raise SystemExit(f"{len(missing)} items of the workspace are not in {catalog}/items.parquet "
                         f"(e.g. {missing[:3]}); pass the catalog the workspace was ingested from")
    return [dict(r, image_path=paths[r["item_id"]]) for r in rows]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, required=True, help="an indexed workspace with a trained tagger")
    parser.add_argument("--catalog", type=Path, required=True, help="the catalog folder (items.parquet, images/)")
    parser.add_argument("--items", type=int, default=600, help="items to tag (the first by item_id)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--concurrency", type=int, default=1, help="Ray inference actors")
    parser.add_argument("--ray-cpus", type=int, default=os.cpu_count(), help="CPUs given to the local Ray")
    args = parser.parse_args(argv)

    workspace = Workspace(args.home)
    table = open_items_table(workspace)
    rows = catalog_rows(read_item_rows(table, limit=args.items), args.catalog)
    spec = workspace_spec(table, workspace_checkpoint(workspace))
    t0 = time.perf_counter()
    models = load_models(spec)
    print(f"{len(rows)} items, batch size {args.batch_size}, models loaded in {time.perf_counter() - t0:.1f}s, "
          f"{os.cpu_count()} CPUs")
    try:  # quiet Ray Data's progress output (the table is what this prints)
        import ray.data

        ray.data.DataContext.get_current().enable_progress_bars = False
        logging.getLogger("ray").setLevel(logging.WARNING)
    except ImportError:
        pass
    results, seconds = {}, {}
    for runner in ("plain", "local", "ray"):
        t1 = time.perf_counter()
        results[runner] = run_job(rows, spec, runner=runner, batch_size=args.batch_size, image_root=args.catalog,
                                  concurrency=args.concurrency, models=models,
                                  ray_init={"num_cpus": args.ray_cpus, "include_dashboard": False,
                                            "log_to_driver": False})
        seconds[runner] = time.perf_counter() - t1
    base = len(rows) / seconds["plain"]
    print(f"{'runner':8s} {'seconds':>8s} {'items/s':>8s} {'vs plain':>8s} {'same attributes':>16s}")
    labels = {r: {i: [(f, v) for f, v, _ in row] for i, row in out.items()} for r, out in results.items()}
    for runner in results:
        rate = len(rows) / seconds[runner]
        same = sum(labels[runner][i] == labels["plain"][i] for i in labels["plain"])
        print(f"{runner:8s} {seconds[runner]:8.1f} {rate:8.1f} {rate / base:7.2f}x {same:>9d}/{len(rows)}")
    print("(ray includes starting the local cluster and loading the models in its actor)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
