"""`workbench train relevance`: the cross-encoder teacher, pseudo-labels and the distilled `learned` scorer."""

from __future__ import annotations

import argparse
import sys

from workbench.commands.common import home_option, non_negative_int, positive_int, unit_interval, workspace_from


def register_relevance(models: argparse._SubParsersAction) -> None:
    from engine.models.relevance.examples import SOURCES
    from engine.models.relevance.train import RelevanceSettings

    d = RelevanceSettings()
    r = models.add_parser("relevance", parents=[home_option()],
                          help="train the relevance model on judgments (teacher, pseudo-labels, student)",
                          description="Fine-tune a MiniLM cross-encoder on the latest graded judgments, pseudo-label "
                                      "unjudged pairs it is confident about, distil a fast MLP student (the `learned` "
                                      "relevance scorer) and evaluate both on held-out queries against the raters. "
                                      "Writes WORKSPACE/models/relevance-teacher/ and relevance-student.safetensors.")
    r.add_argument("--source", choices=SOURCES, default=d.source, help=f"judgments to learn from (default {d.source})")
    r.add_argument("--epochs", type=positive_int, default=d.teacher.epochs,
                   help=f"teacher epochs (default {d.teacher.epochs})")
    r.add_argument("--pseudo-threshold", type=unit_interval, default=d.pseudo_threshold,
                   help=f"keep a pseudo-label when the teacher's max class probability is >= this "
                        f"(default {d.pseudo_threshold})")
    r.add_argument("--seed", type=non_negative_int, default=d.seed, help=f"default {d.seed}")
    r.add_argument("--json", action="store_true", help="print the report as one JSON object")
    r.set_defaults(run=run_relevance)


def run_relevance(args: argparse.Namespace) -> int:
    import json
    from dataclasses import replace

    from engine.models.relevance.student import StudentSettings
    from engine.models.relevance.teacher import TeacherSettings
    from engine.models.relevance.train import RelevanceSettings

    workspace = workspace_from(args)
    settings = RelevanceSettings(source=args.source, pseudo_threshold=args.pseudo_threshold, seed=args.seed,
                                 teacher=replace(TeacherSettings(), epochs=args.epochs, seed=args.seed),
                                 student=replace(StudentSettings(), seed=args.seed))
    report = relevance_for_workspace(workspace, settings, progress=sys.stderr.isatty() and not args.json)
    print(json.dumps(report.to_dict()) if args.json else report.summary())
    return 0


def relevance_for_workspace(workspace, settings=None, *, progress: bool = False, heartbeat: bool = False):
    """Train the relevance model on the workspace's judgments (read from the store, opened read-only); the report."""
    from engine.models.relevance.train import RelevanceSettings, train_relevance
    from labels import open_store

    if not workspace.lancedb_dir.is_dir() or not workspace.judgments_path.is_file():
        raise FileNotFoundError(f"the workspace {workspace.root} needs an index and judgments; run `workbench index` "
                                "and judge a pool (or `workbench demo`) first")
    return train_relevance(workspace, lambda: open_store(workspace.judgments_path, read_only=True),
                           settings or RelevanceSettings(), progress=progress, heartbeat=heartbeat)
