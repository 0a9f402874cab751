"""`workbench train clip` / `workbench train fusion`: the offline sample image-text model, the early-fusion model."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.commands.common import home_option, non_negative_int, positive_int, workspace_from
from workbench.commands.train_engagement import register_engagement
from workbench.commands.train_relevance import register_relevance
from workbench.commands.train_searchsage import register_searchsage


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train a model (clip: the offline sample image-text model; fusion: the "
                                     "early-fusion composed-query model)",
                       description="Train models on a catalog. `train clip` trains the sample model's vision tower "
                                   "against the frozen MiniLM text tower with open_clip's contrastive loss, on the "
                                   "workspace's ingested items (or a sample-format folder).")
    models = p.add_subparsers(dest="model", metavar="MODEL", required=True)
    from engine.models.training.clip_trainer import ClipTrainSettings

    d = ClipTrainSettings()
    c = models.add_parser("clip", parents=[home_option()], help="train the sample image-text model",
                          description="Train on the workspace's ingested items (`workbench ingest`), captioned from "
                                      "their attributes in the workspace vocabulary's families (catalog columns or "
                                      "tags), titles and tags; or on a sample-format folder (--catalog). 10%% of "
                                      "items are held out and measured. Writes NAME.safetensors and NAME.json.")
    c.add_argument("--catalog", type=Path, default=None,
                   help="a sample-format folder (items.parquet beside its images, attribute columns, optionally "
                        "vocabulary.toml) to train on instead of the workspace's items")
    c.add_argument("--out", type=Path, default=None,
                   help="checkpoint to write (default: WORKSPACE/models/workbench-sample.safetensors)")
    from engine.models.sample_model import DEFAULT_TRUNK, TRUNKS

    c.add_argument("--trunk", choices=TRUNKS, default=DEFAULT_TRUNK,
                   help="vision trunk: efficientnet_lite0 (frozen ImageNet EfficientNet-Lite0 from its PyPI package "
                        "plus a color branch; only the projection trains) or regnetx_002 (trained from scratch); "
                        f"default {DEFAULT_TRUNK}")
    c.add_argument("--epochs", type=positive_int, default=None, help="default: the trunk's (regnetx_002: "
                   f"{d.epochs})")
    c.add_argument("--batch-size", type=positive_int, default=None, help=f"default {d.batch_size}")
    c.add_argument("--lr", type=float, default=None, help=f"peak learning rate (default: the trunk's; regnetx_002: "
                   f"{d.lr})")
    c.add_argument("--seed", type=non_negative_int, default=None, help=f"default {d.seed}")
    c.set_defaults(run=run_clip)
    register_fusion(models)
    register_engagement(models)
    register_searchsage(models)
    register_relevance(models)


def register_fusion(models: argparse._SubParsersAction) -> None:
    from engine.models.fusion.train import FusionSettings

    d = FusionSettings()
    f = models.add_parser("fusion", parents=[home_option()], help="train the early-fusion composed-query model",
                          description="Mine (reference, modification text, target) triplets from the indexed "
                                      "workspace's attributes, train the Combiner over its open_clip vectors with a "
                                      "contrastive loss, and measure it on held-out reference items against late "
                                      "fusion and image-only search. Writes NAME.safetensors and NAME.json.")
    f.add_argument("--out", type=Path, default=None,
                   help="checkpoint to write (default: WORKSPACE/models/workbench-fusion.safetensors, which "
                        "searches in that workspace use)")
    f.add_argument("--epochs", type=positive_int, default=d.epochs, help=f"default {d.epochs}")
    f.add_argument("--per-reference", type=positive_int, default=d.per_reference,
                   help=f"triplets mined per reference item (default {d.per_reference})")
    f.add_argument("--seed", type=non_negative_int, default=d.seed, help=f"default {d.seed}")
    f.add_argument("--json", action="store_true", help="print the report as one JSON object")
    f.set_defaults(run=run_fusion)


def run_clip(args: argparse.Namespace) -> int:
    from engine.models.training.clip_trainer import settings_for
    from engine.models.training.train_sample import train_sample_model

    if args.lr is not None and not 0 < args.lr < 1:
        raise ValueError(f"--lr must be between 0 and 1, got {args.lr}")
    workspace = workspace_from(args)
    out = args.out or workspace.create().models_dir / "workbench-sample.safetensors"
    settings = settings_for(args.trunk, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, seed=args.seed)
    source = args.catalog if args.catalog is not None else workspace
    report = train_sample_model(source, out, settings, progress=sys.stderr.isatty())
    print(report.summary())
    return 0


def run_fusion(args: argparse.Namespace) -> int:
    import json
    from dataclasses import replace

    from engine.models.fusion.loader import workspace_checkpoint
    from engine.models.fusion.train import FusionSettings, train_fusion

    workspace = workspace_from(args)
    if not workspace.lancedb_dir.is_dir():
        raise FileNotFoundError(f"the workspace {workspace.root} has no index; run `workbench index --home "
                                f"{workspace.root}` (after `workbench ingest`) first")
    out = args.out or workspace_checkpoint(workspace)
    settings = replace(FusionSettings(), epochs=args.epochs, per_reference=args.per_reference, seed=args.seed)
    report = train_fusion(workspace, out, settings, progress=sys.stderr.isatty())
    if args.json:
        print(json.dumps({"checkpoint": str(report.checkpoint), "seconds": round(report.seconds, 1),
                          "train_triplets": report.train_triplets, "held_out_triplets": report.held_out_triplets,
                          "metrics": report.metrics}))
    else:
        print(report.summary())
    return 0
