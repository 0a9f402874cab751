"""`workbench generate-sample`: write a synthetic catalog with ground truth."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.commands.common import non_negative_int, positive_int

# The sample domains, by --domain name.
DOMAINS = {
    "fashion": "clothing with a search log (the demo's catalog)",
    "home": "home goods with families the fashion sample lacks (room), items.csv, no search log",
}
DEFAULT_DOMAIN = "fashion"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "generate-sample",
        help="write a synthetic product catalog (images, metadata, VLM-style attributes, search log)",
        description="Write a deterministic synthetic catalog: items.parquet (ground truth), images/, "
        "vlm_attributes.jsonl, search_log/ and manifest.json under --out. --domain home writes a home-goods "
        "catalog instead (families category, color, material, room, style) with items.csv beside the "
        "Parquet and no search log, as a user's own catalog would come.",
    )
    p.add_argument("--domain", choices=tuple(DOMAINS), default=DEFAULT_DOMAIN,
                   help="; ".join(f"{name}: {about}" for name, about in DOMAINS.items())
                   + f" (default {DEFAULT_DOMAIN})")
    p.add_argument("--n", type=positive_int, default=3000, help="number of items, scenes included (default 3000)")
    p.add_argument("--seed", type=non_negative_int, default=7, help="random seed (default 7)")
    p.add_argument("--out", type=Path, default=Path("sample_catalog"), help="output folder (default ./sample_catalog)")
    p.add_argument("--workers", type=positive_int, default=None,
                   help="render processes (default: CPU count; fashion only, home renders in one process)")
    p.add_argument("--searches-per-item", type=non_negative_int, default=10,
                   help="search-log size as searches per product (default 10; fashion only)")
    p.add_argument("--force", action="store_true", help="overwrite a non-empty --out folder")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if getattr(args, "domain", DEFAULT_DOMAIN) == "home":
        return _run_home(args)
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


def _run_home(args: argparse.Namespace) -> int:
    from sample_data.home import generate_home_sample

    manifest = generate_home_sample(args.out, n=args.n, seed=args.seed, overwrite=args.force)
    print(
        f"wrote {manifest['counts']['items']} home-goods items to {args.out} in {manifest['seconds']['total']:.1f}s "
        f"(items.parquet, items.csv, images/, vlm_attributes.jsonl; no search log)"
    )
    return 0
