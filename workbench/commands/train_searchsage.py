"""`workbench train searchsage`: OmniSearchSage-style query and item embeddings from the search log."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workbench.commands.common import home_option, non_negative_int, positive_int, workspace_from


def register_searchsage(models: argparse._SubParsersAction) -> None:
    from engine.models.searchsage.train import SearchSageSettings

    d = SearchSageSettings()
    s = models.add_parser("searchsage", parents=[home_option()], help="train the learned query/item embeddings "
                                                                       "(the `learned` CG)",
                          description="Train a query tower (MiniLM + projection) and an item tower (hash embeddings "
                                      "of the enriched text + the open_clip image vector) on the search log's saves, "
                                      "long clicks and refinements; measure Recall@10 on the log's last "
                                      f"{d.held_out_fraction:.0%} by time against MiniLM alone; write "
                                      "WORKSPACE/models/searchsage.safetensors and the items' learned_vec column.")
    s.add_argument("--search-log", type=Path, default=None,
                   help="folder with searches.parquet and impressions.parquet (default: WORKSPACE/sample/search_log, "
                        "if present)")
    s.add_argument("--epochs", type=positive_int, default=d.epochs, help=f"default {d.epochs}")
    s.add_argument("--seed", type=non_negative_int, default=d.seed, help=f"default {d.seed}")
    s.add_argument("--json", action="store_true", help="print the report as one JSON object")
    s.set_defaults(run=run_searchsage)


def run_searchsage(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from engine.models.searchsage.train import SearchSageSettings

    settings = replace(SearchSageSettings(), epochs=args.epochs, seed=args.seed)
    report = searchsage_for_workspace(workspace_from(args), args.search_log, settings, progress=sys.stderr.isatty())
    if args.json:
        print(json.dumps({"checkpoint": str(report.checkpoint), "seconds": round(report.seconds, 1),
                          "total_seconds": round(report.total_seconds, 1), "metrics": report.metrics,
                          "pairs": report.pairs}))
    else:
        print(report.summary())
    return 0


def searchsage_for_workspace(workspace, search_log: Path | None = None, settings=None, *, progress: bool = False):
    """Train the learned query/item embeddings from a search log (default: the sample's); the report."""
    from engine.index.columns import LOAD_SPEC_KEY, TEXT_VEC
    from engine.index.store import open_items_table
    from engine.models.searchsage.train import SearchSageSettings
    from engine.models.searchsage.workspace_train import train_workspace
    from engine.models.text_encoder import load_text_encoder

    table = open_items_table(workspace)
    if TEXT_VEC not in table.schema.names:
        raise FileNotFoundError(f"the workspace {workspace.root} is not indexed yet; run `workbench index --home "
                                f"{workspace.root}` first")
    if search_log is None:
        if not (workspace.sample_dir / "search_log").is_dir():
            raise FileNotFoundError(f"the workspace {workspace.root} has no sample search log; pass --search-log DIR "
                                    "(a folder with searches.parquet and impressions.parquet). The `learned` CG "
                                    "needs one; the other CGs do not")
        search_log = workspace.sample_dir / "search_log"
    meta = table.schema.field(TEXT_VEC).metadata or {}
    text_encoder = load_text_encoder(**(json.loads(meta[LOAD_SPEC_KEY]) if LOAD_SPEC_KEY in meta else {}))
    return train_workspace(workspace, search_log, settings or SearchSageSettings(), text_encoder, progress=progress)
