"""`workbench ingest`: add a user's catalog (images + metadata) to the workspace."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from workbench.commands.common import home_option, positive_int, workspace_from

EXIT_SOME_ROWS_SKIPPED = 3


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ingest",
        parents=[home_option()],
        help="add a catalog (image folder + CSV/Parquet/JSONL metadata) to the LanceDB items table",
        description="Validate and upsert a catalog by item_id. Bad rows are skipped and reported; "
        f"the exit status is 0 when every row was ingested, {EXIT_SOME_ROWS_SKIPPED} when some were skipped, "
        "2 when the file itself is unusable (nothing written). With --attribute-columns, those metadata columns "
        "become attribute families of the workspace vocabulary (same as `workbench vocabulary from-columns`).",
    )
    p.add_argument("--images", type=Path, required=True, help="folder the metadata's image paths are relative to")
    p.add_argument("--metadata", type=Path, required=True, help="CSV, Parquet or JSONL file, one row per item")
    p.add_argument("--max-pixels", type=positive_int, default=40_000_000,
                   help="refuse images with more pixels than this (default 40,000,000)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    from workbench.commands.vocabulary import add_column_options

    add_column_options(p, "--attribute-columns", required=False)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json

    from engine.catalog import ingest_catalog

    if getattr(args, "product_type", None) and not getattr(args, "attribute_columns", None):
        raise ValueError("--product-type names one of the --attribute-columns; pass those too")
    workspace = workspace_from(args).create()
    report = ingest_catalog(
        workspace, args.images, args.metadata, max_pixels=args.max_pixels, progress=sys.stderr.isatty()
    )
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print(report.summary())
    if getattr(args, "attribute_columns", None):
        from engine.vocabulary import VocabularyError
        from workbench.commands.vocabulary import columns_to_workspace

        try:
            out = sys.stderr if args.json else sys.stdout
            with contextlib.redirect_stdout(out):
                columns_to_workspace(workspace, args.attribute_columns, args.product_type)
        except VocabularyError as exc:
            raise VocabularyError(f"the catalog was ingested, but the vocabulary was not written: {exc}. Fix it, then "
                                  "run `workbench vocabulary from-columns --columns ...`") from None
    return EXIT_SOME_ROWS_SKIPPED if report.skipped else 0
