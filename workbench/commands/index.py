"""`workbench index`: embed the catalog and build the full-text and vector indexes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.commands.common import home_option, non_negative_int, workspace_from
from workbench.commands.runner_options import ray_init, runner_options

EXIT_SOME_IMAGES_SKIPPED = 3


def register(sub: argparse._SubParsersAction) -> None:
    from engine.index.vector_index import EXACT_LIMIT
    from engine.models.sample_model import SAMPLE_MODEL_NAME

    p = sub.add_parser(
        "index", parents=[home_option(), runner_options("embedding actors (each loads the models once)", "items", 64)],
        help="embed and index the catalog (image, CLIP text, MiniLM text, BM25)",
        description="Embed new or changed items of the workspace's items table with an open_clip model and "
                    "MiniLM, add engagement from a search log, and refresh the BM25 and vector indexes. Exit "
                    f"status {EXIT_SOME_IMAGES_SKIPPED} when some images could not be read (they are reported). "
                    "With --runner ray, images are decoded in Ray tasks and embedded in Ray actors (every worker "
                    "reads the workspace's images and the model files at the same paths); this process writes.",
    )
    p.add_argument("--clip-model", default=SAMPLE_MODEL_NAME,
                   help=f"open_clip model name, hf-hub:ORG/REPO or local-dir:PATH (default {SAMPLE_MODEL_NAME})")
    p.add_argument("--clip-pretrained", default=None,
                   help="pretrained tag or checkpoint file (default for the sample model: its committed checkpoint)")
    p.add_argument("--clip-config", default=None, help="JSON open_clip model config of a custom architecture")
    p.add_argument("--text-model", default=None, help="sentence-transformers folder (default: packaged MiniLM)")
    p.add_argument("--search-log", type=Path, default=None,
                   help="folder with searches.parquet and impressions.parquet (default: the sample's, if present)")
    p.add_argument("--rebuild", action="store_true", help="re-embed every item (needed to switch models)")
    p.add_argument("--exact-limit", type=non_negative_int, default=EXACT_LIMIT,
                   help=f"rows up to which vector search stays exact; above, an ANN index (default {EXACT_LIMIT})")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json
    from dataclasses import asdict

    from engine.index.build import build_index
    from engine.models.clip_encoder import ClipSpec, load_clip
    from engine.models.text_encoder import load_text_encoder

    from engine.index.store import open_items_table

    workspace = workspace_from(args)
    open_items_table(workspace)  # fail before loading models when there is nothing to index
    search_log = args.search_log
    if search_log is None and (workspace.sample_dir / "search_log").is_dir():
        search_log = workspace.sample_dir / "search_log"
    if search_log is None:
        print("note: no search log; every item's engagement is neutral (0.5). Pass --search-log DIR if you have "
              "one", file=sys.stderr)
    if args.runner == "ray":
        from engine.attributes.batch.ray_runner import import_ray

        import_ray()  # before loading models: without Ray, say how to install it
    spec = ClipSpec(args.clip_model, args.clip_pretrained, args.clip_config)
    clip = load_clip(spec)
    text = load_text_encoder(args.text_model)
    load_specs = {"clip": asdict(spec), "text": {"name_or_path": args.text_model}}
    embedder = None
    if args.runner == "ray":
        from engine.index.ray_embed import EmbedSpec, RayEmbedder

        embedder = RayEmbedder(EmbedSpec.of(load_specs, clip.identity, text.identity), clip.preprocess,
                               batch_size=args.batch_size, concurrency=args.concurrency, num_gpus=args.num_gpus,
                               init=ray_init(args))
    report = build_index(workspace, clip, text, search_log=search_log, rebuild=args.rebuild,
                         exact_limit=args.exact_limit, progress=sys.stderr.isatty(), load_specs=load_specs,
                         embedder=embedder)
    print(json.dumps(report.to_dict()) if args.json else report.summary())
    return EXIT_SOME_IMAGES_SKIPPED if report.image_problems else 0
