"""`workbench demo`: make the sample workspace if missing, then serve the app."""

from __future__ import annotations

import argparse
import json

from engine.pipeline.requirements import ENGAGEMENT, RELEVANCE, SEARCHSAGE, ModelRequirement, has_model
from engine.workspace import Workspace
from workbench.commands.common import home_option, non_negative_int, port, positive_int, workspace_from
from workbench.heartbeat import heartbeat


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        parents=[home_option()],
        help="make the sample workspace if missing (catalog, index) and serve the app",
    )
    p.add_argument("--port", type=port, default=8501, help="port to listen on (default 8501)")
    p.add_argument("--n", type=positive_int, default=3000, help="sample catalog size (default 3000)")
    p.add_argument("--seed", type=non_negative_int, default=7, help="sample seed (default 7)")
    p.add_argument("--prepare-only", action="store_true", help="make the workspace and exit without serving")
    p.add_argument("--no-bundle", action="store_true",
                   help="train every model and embed every text here instead of taking them from the committed "
                        "demo bundle (sample_data/demo_bundle/, made from this very sample catalog)")
    p.set_defaults(run=run)


def prepare_demo_workspace(workspace: Workspace, n: int, seed: int, progress: bool = True,
                           use_bundle: bool = True) -> None:
    """Bring the sample workspace up to date, step by step; a step already done is skipped. With `use_bundle`,
    the committed demo bundle stands in for training and text embedding when it was made from this catalog."""
    from engine.catalog import ingest_catalog
    from engine.index import count_items
    from sample_data.generate import MANIFEST_NAME, generate_sample

    workspace.create()
    manifest_path = workspace.sample_dir / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else None
    if manifest is None or (manifest["n"], manifest["seed"]) != (n, seed):
        print(f"[demo] generating the sample catalog: {n} items, seed {seed}", flush=True)
        manifest = generate_sample(workspace.sample_dir, n=n, seed=seed, overwrite=True, progress=progress)
    else:
        print(f"[demo] sample catalog present ({manifest['counts']['items']} items)", flush=True)

    if count_items(workspace) < manifest["counts"]["items"]:
        print("[demo] ingesting the sample catalog into LanceDB", flush=True)
        report = ingest_catalog(
            workspace, workspace.sample_dir, workspace.sample_dir / "items.parquet", progress=progress
        )
        print(report.summary(), flush=True)
        if report.skipped:
            raise ValueError(f"the generated sample catalog had {len(report.skipped)} bad rows; this is a bug")
    else:
        print("[demo] catalog already ingested", flush=True)
    install_sample_vocabulary(workspace)
    bundle = index_demo_workspace(workspace, progress, manifest if use_bundle else None)
    build_demo_collections(workspace)
    train_demo_models(workspace, (SEARCHSAGE, ENGAGEMENT), bundle)  # from the sample search log
    populate_demo_judgments(workspace)
    train_demo_models(workspace, (RELEVANCE,), bundle)  # from the judgments just made
    populate_demo_learned(workspace)


def _demo_trainers() -> dict:
    """Model name -> the command function that trains it in a workspace with its defaults (returns a report)."""
    from workbench.commands.train_engagement import engagement_for_workspace
    from workbench.commands.train_relevance import relevance_for_workspace
    from workbench.commands.train_searchsage import searchsage_for_workspace

    return {SEARCHSAGE.model: searchsage_for_workspace, ENGAGEMENT.model: engagement_for_workspace,
            # minutes of fine-tuning: stage lines and a step every 10 s, never silent for long
            RELEVANCE.model: lambda workspace: relevance_for_workspace(workspace, heartbeat=True)}


def train_demo_models(workspace: Workspace, models: tuple[ModelRequirement, ...], bundle=None) -> None:
    """`workbench train MODEL` for each model whose checkpoint the workspace lacks (a second start trains none),
    through the command's function, not the argv parser; from the demo bundle instead when it has the model.

    A model that cannot be trained (a tiny catalog: too few judgments or engagements) is reported and the demo
    goes on without `full`, whose models it lacks; `full_standins` needs none.
    """
    trainers = _demo_trainers()
    for requirement in models:
        if has_model(workspace, requirement):
            print(f"[demo] {requirement.model} model present", flush=True)
            continue
        if bundle is not None and _install_from_bundle(bundle, workspace, requirement):
            continue
        print(f"[demo] training the {requirement.model} model (`{requirement.command}`)", flush=True)
        try:
            with heartbeat(f"training the {requirement.model} model"):
                report = trainers[requirement.model](workspace)
        except (ValueError, FileNotFoundError, PermissionError) as exc:  # what the CLI reports as exit status 2
            print(f"error: {exc}", flush=True)
            print(f"[demo] could not train the {requirement.model} model (see above); the demo goes on without "
                  "the `full` config, and `full_standins` stands in", flush=True)
        else:
            print(report.summary(), flush=True)


def populate_demo_learned(workspace: Workspace) -> None:
    """`full`'s runs over the sample benchmark queries, pooled and judged like the others (once)."""
    from engine.pipeline.config import load_config
    from engine.pipeline.context import SearchContext
    from engine.pipeline.requirements import missing_models_message
    from labels import open_store
    from workbench.demo_population import LEARNED_CONFIG, populate_learned

    if message := missing_models_message(load_config(LEARNED_CONFIG, workspace), workspace):
        print(f"[demo] no {LEARNED_CONFIG} runs: {message}", flush=True)
        return
    with open_store(workspace.judgments_path) as store:
        with heartbeat(f"running {LEARNED_CONFIG} over the benchmark queries"):
            populated = populate_learned(workspace, SearchContext.open(workspace), store,
                                         log=lambda line: print(line, flush=True))
        if not populated:
            print(f"[demo] {LEARNED_CONFIG} runs present (or no demo query set)", flush=True)


def populate_demo_judgments(workspace: Workspace) -> None:
    """Both configs' runs over the sample benchmark queries, a blind pool and simulated judgments (once)."""
    from engine.pipeline.context import SearchContext
    from labels import open_store
    from workbench.demo_population import QUERY_SET, populate

    with open_store(workspace.judgments_path) as store:
        if any(s.name == QUERY_SET for s in store.query_sets()):
            print(f"[demo] judgments present (query set {QUERY_SET})", flush=True)
            return
        with heartbeat("running the configs and simulating judgments"):
            populate(workspace, SearchContext.open(workspace), store, log=lambda line: print(line, flush=True))


def _install_from_bundle(bundle, workspace: Workspace, requirement: ModelRequirement) -> bool:
    from workbench.demo_bundle import REMAKE, install_model

    with heartbeat(f"installing the {requirement.model} model from the demo bundle"):
        if not install_model(bundle, workspace, requirement.model):
            return False
    print(f"[demo] {requirement.model} model: the demo bundle's, trained on this very catalog (`{requirement.command}` "
          f"retrains it here; `{REMAKE}` remakes the bundle)", flush=True)
    return True


def index_demo_workspace(workspace: Workspace, progress: bool, manifest: dict | None = None):
    """Embed and index with the committed sample model; incremental, so a second start embeds nothing.

    With the sample's `manifest`, the demo bundle's text and image vectors are reused when the bundle was made
    from this catalog with these models; returns that bundle (or None) for the training steps.
    """
    from dataclasses import asdict

    from engine.index.build import build_index
    from engine.models.clip_encoder import ClipSpec, load_clip
    from engine.models.text_encoder import load_text_encoder
    from workbench.demo_bundle import cached_encoders, matching_bundle

    print("[demo] indexing (sample image-text model, MiniLM, BM25)", flush=True)
    spec = ClipSpec()
    clip, text_encoder = load_clip(spec), load_text_encoder()
    bundle = None
    if manifest is not None:
        bundle, why_not = matching_bundle(workspace.sample_dir, manifest["n"], manifest["seed"], clip.identity,
                                          text_encoder.identity)
        print(f"[demo] using the committed demo bundle ({bundle.folder}): models, text and image vectors made from "
              "this very catalog" if bundle else f"[demo] not using the demo bundle: {why_not}", flush=True)
        if bundle is not None:
            clip, text_encoder = cached_encoders(bundle, clip, text_encoder)
    log = workspace.sample_dir / "search_log"
    with heartbeat("indexing: embedding texts and images"):
        report = build_index(workspace, clip, text_encoder, search_log=log if log.is_dir() else None,
                             progress=progress, load_specs={"clip": asdict(spec), "text": {"name_or_path": None}})
    print(report.summary(), flush=True)
    if bundle is not None:
        print(f"[demo] from the demo bundle: {getattr(clip, 'hits', 0)} texts' and {getattr(clip, 'image_hits', 0)} "
              "images' vectors (the rest were embedded here)", flush=True)
    return bundle


def run(args: argparse.Namespace) -> int:
    import sys

    from workbench.server import serve

    workspace = workspace_from(args)
    prepare_demo_workspace(workspace, args.n, args.seed, progress=sys.stderr.isatty(), use_bundle=not args.no_bundle)
    if args.prepare_only:
        return 0
    return serve(workspace, args.port)


def build_demo_collections(workspace: Workspace) -> None:
    """Shopping collections from the catalog's attributes and the sample search log (seconds), unless present."""
    from engine.collections.build import build_collections
    from engine.collections.errors import CollectionsError
    from engine.collections.storage import CollectionsMissingError, load_manifest
    from engine.vocabulary import load_workspace_vocabulary

    try:
        load_manifest(workspace)
        print("[demo] collections present", flush=True)
        return
    except CollectionsMissingError:
        pass
    print("[demo] building shopping collections (`workbench collections build`)", flush=True)
    log = workspace.sample_dir / "search_log"
    try:
        report = build_collections(workspace, load_workspace_vocabulary(workspace.root),
                                   search_log=log if log.is_dir() else None)
    except CollectionsError as error:  # e.g. a catalog too small for any topic: the demo goes on without
        print(f"[demo] no collections: {error}", flush=True)
        return
    print(report.summary(), flush=True)


def install_sample_vocabulary(workspace: Workspace) -> None:
    """The sample's fashion vocabulary becomes the workspace's, unless the workspace already has one."""
    from engine.vocabulary import read_vocabulary_file, save_workspace_vocabulary, vocabulary_path
    from sample_data.generate import VOCABULARY_NAME

    if not vocabulary_path(workspace.root).exists():
        save_workspace_vocabulary(workspace.root, read_vocabulary_file(workspace.sample_dir / VOCABULARY_NAME))
        print("[demo] attribute vocabulary: the sample's fashion vocabulary (WORKSPACE/vocabulary.toml)", flush=True)
