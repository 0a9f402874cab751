"""`workbench attributes train|assign|tag|evaluate`: the CLIP-style attribute tagger on an indexed workspace.

The tagger learns the workspace vocabulary's families and values (WORKSPACE/vocabulary.toml, when there is
one; else the curated vocabulary.json), always tags its product type, and records its hash: `assign`
refuses a tagger trained with another vocabulary, and `tag` (train, then assign) refreshes it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workbench.commands.common import home_option, positive_int, workspace_from


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a number strictly between 0 and 1, got {value}")
    return value


def register_tagger(actions: argparse._SubParsersAction) -> None:
    """Add `train`, `assign` and `evaluate` to the `workbench attributes` sub-parsers."""
    from engine.attributes.tagger import TaggerSettings

    d = TaggerSettings()
    t = actions.add_parser("train", parents=[home_option()], help="train and calibrate the attribute tagger",
                           description="Train the dual encoder on the curated (item, attribute) positives over the "
                                       "items' stored vectors, calibrate per-attribute thresholds on held-out items "
                                       "and measure it. Writes WORKSPACE/models/attribute-tagger.safetensors + .json.")
    _inputs(t, positives=True)
    t.add_argument("--target-precision", type=_probability, default=d.target_precision,
                   help=f"precision the per-attribute thresholds aim at (default {d.target_precision})")
    t.add_argument("--epochs", type=positive_int, default=d.epochs, help=f"default {d.epochs}")
    t.add_argument("--json", action="store_true", help="print the report as one JSON object")
    t.set_defaults(run=run_train)

    a = actions.add_parser("assign", parents=[home_option()], help="tag every item with the trained tagger",
                           description="Score every item against every curated attribute and write the ones above "
                                       "their thresholds to the items table's tagged_attributes column (JSON).")
    _inputs(a, positives=False)
    a.add_argument("--runner", choices=("stored", "plain", "local", "ray"), default="stored",
                   help="stored (default): score the index's stored vectors; plain, local or ray: a batch job that "
                        "re-embeds every image and text from the files (local overlaps preprocessing and inference "
                        "in one process; ray runs Ray Data, `pip install 'relevance-workbench[ray]'`)")
    a.add_argument("--batch-size", type=positive_int, default=64, help="items per batch of the batch runners")
    a.add_argument("--concurrency", type=positive_int, default=1, help="inference actors of the ray runner")
    a.add_argument("--json", action="store_true", help="print the counts as one JSON object")
    a.set_defaults(run=run_assign)

    g = actions.add_parser("tag", parents=[home_option()], help="train the tagger, then tag every item",
                           description="`train` then `assign` with the workspace vocabulary: the command that "
                                       "refreshes the tags after the vocabulary changed.")
    _inputs(g, positives=True)
    g.add_argument("--target-precision", type=_probability, default=d.target_precision,
                   help=f"precision the per-attribute thresholds aim at (default {d.target_precision})")
    g.add_argument("--epochs", type=positive_int, default=d.epochs, help=f"default {d.epochs}")
    g.add_argument("--json", action="store_true", help="print the report as one JSON object")
    g.set_defaults(run=run_tag)

    e = actions.add_parser("evaluate", parents=[home_option()], help="measure the trained tagger on held-out items",
                           description="Recall@10 against the catalog's ground truth, per-family precision/recall at "
                                       "the calibrated thresholds, and distinct / mean-per-product labels.")
    _inputs(e, positives=True)
    e.add_argument("--json", action="store_true", help="print the report as one JSON object")
    e.set_defaults(run=run_evaluate)


def _inputs(parser: argparse.ArgumentParser, *, positives: bool) -> None:
    parser.add_argument("--vocabulary", type=Path, default=None,
                        help="curated vocabulary JSON (default: WORKSPACE/attributes/vocabulary.json)")
    if positives:
        parser.add_argument("--positives", type=Path, default=None,
                            help="curated positives, one ItemAttribute JSON object a line "
                                 "(default: WORKSPACE/attributes/curated.jsonl)")


def _paths(args):
    workspace = workspace_from(args)
    folder = workspace.root / "attributes"
    return (workspace, args.vocabulary or folder / "vocabulary.json",
            getattr(args, "positives", None) or folder / "curated.jsonl")


def _print(report, as_json: bool) -> None:
    print(json.dumps(report.to_dict(), default=float) if as_json else report.summary())


def _workspace_vocabulary(workspace, args):
    """The workspace vocabulary the tagger learns, or None when --vocabulary names a curated file to use instead."""
    from engine.vocabulary import load_workspace_vocabulary

    if args.vocabulary is not None:
        return None
    vocab = load_workspace_vocabulary(workspace.root)
    return None if vocab.is_empty() else vocab


def run_train(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from engine.attributes.records import CuratedVocabulary
    from engine.attributes.tagger import TaggerSettings
    from engine.attributes.tagger_data import load_positives
    from engine.attributes.tagger_run import train_tagger

    workspace, vocabulary_path, positives_path = _paths(args)
    workspace_vocabulary = _workspace_vocabulary(workspace, args)
    vocabulary = CuratedVocabulary.load(vocabulary_path) if workspace_vocabulary is None else None
    positives = load_positives(positives_path)
    settings = replace(TaggerSettings(), target_precision=args.target_precision, epochs=args.epochs)
    report = train_tagger(workspace, vocabulary, positives, settings=settings, progress=sys.stderr.isatty(),
                          workspace_vocabulary=workspace_vocabulary)[0]
    _print(report, args.json)
    return 0


def run_tag(args: argparse.Namespace) -> int:
    """Train, then assign: the refresh command of the tagger stage (engine/vocabulary/stale.py)."""
    run_train(args)
    args.runner, args.json = "stored", getattr(args, "json", False)
    return run_assign(args)


def run_assign(args: argparse.Namespace) -> int:
    from engine.attributes.records import CuratedVocabulary
    from engine.attributes.tagger_run import assign_tagger

    workspace, vocabulary_path, _ = _paths(args)
    if getattr(args, "runner", "stored") != "stored":
        from engine.attributes.batch import batch_assign

        report = batch_assign(workspace, runner=args.runner, batch_size=args.batch_size,
                              concurrency=args.concurrency)
        print(json.dumps(report.to_dict()) if args.json else report.summary())
        return 0
    workspace_vocabulary = _workspace_vocabulary(workspace, args)
    vocabulary = (CuratedVocabulary.load(vocabulary_path)
                  if workspace_vocabulary is None and (vocabulary_path.is_file() or args.vocabulary) else None)
    written, tagged = assign_tagger(workspace, vocabulary=vocabulary, workspace_vocabulary=workspace_vocabulary)
    counts = {"items": written, "attributes": len(tagged),
              "mean_per_product": round(len(tagged) / written, 3) if written else 0.0,
              "distinct": len({(t.family, t.value) for t in tagged})}
    print(json.dumps(counts) if args.json else
          f"wrote tagged_attributes for {written} items: {counts['attributes']} attributes "
          f"({counts['mean_per_product']} per item, {counts['distinct']} distinct)")
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    from engine.attributes.tagger_data import load_positives
    from engine.attributes.tagger_run import evaluate_tagger

    workspace, _, positives_path = _paths(args)
    report = evaluate_tagger(workspace, load_positives(positives_path))
    _print(report, args.json)
    return 0
