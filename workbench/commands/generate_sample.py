"""`workbench generate-sample`: write a synthetic catalog with ground truth."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.commands.common import non_negative_int, positive_int


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "generate-sample",
        help="write a synthetic product catalog (images, metadata, VLM-style attributes, search log)",
        description="Write a deterministic synthetic catalog: items.parquet (ground truth), images/, "
        "vlm_attributes.jsonl, search_log/ and manifest.json under --out.",
    )
    p.add_argument("--n", type=positive_int, default=3000, help="number of items, scenes included (default 3000)")
    p.add_argument("--seed", type=non_negative_int, default=7, help="random seed (default 7)")
    p.add_argument("--out", type=Path, default=Path("sample_catalog"), help="output folder (default ./sample_catalog)")
    p.add_argument("--workers", type=positive_int, default=None, help="render processes (default: CPU count)")
    p.add_argument("--searches-per-item", type=non_negative_int, default=10,
                   help="search-log size as searches per product (default 10)")
    p.add_argument("--force", action="store_true", help="overwrite a non-empty --out folder")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from sample_data.generate import generate_sample

    manifest = generate_sample(
        args.out, n=args.n, seed=args.seed, workers=args.workers,
        searches_per_item=args.searches_per_item, overwrite=args.force,
    )
    print(
        f"wrote {manifest['counts']['items']} items ({manifest['counts']['scenes']} scenes) to {args.out} "
        f"in {manifest['seconds']['total']:.1f}s"
    )
    return 0
