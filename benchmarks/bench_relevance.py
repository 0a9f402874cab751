"""The relevance model trained on judgments: training time, held-out accuracy and QWK, latency per 1,000 pairs.

    cp -r /tmp/ws3000 /tmp/my_ws && python benchmarks/bench_relevance.py --home /tmp/my_ws

Runs `workbench train relevance` on the workspace (it writes WORKSPACE/models/relevance-*, so give a copy):
the MiniLM cross-encoder teacher is fine-tuned on the training queries' judgments, pseudo-labels unjudged
pairs, and the MLP student is distilled from it. Held-out queries' judgments grade both; the raters' own
agreement (each judgment against the other raters' lower median) is the ceiling, and the teacher is the
latency baseline the student's ratio is taken against, both measured in the same run.

Last, the judge's trust figure as `workbench eval agreement --json` reports it: the student's QWK against the
raters' aggregated (lower-median) label on the held-out queries' pairs judged by two raters or more, beside the
raters' mean pairwise QWK on the same pairs, and the issue-18 aim (the judge at >= 0.9x the raters).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing


def main(argv=None) -> int:
    from engine.models.relevance.teacher import TeacherSettings
    from engine.models.relevance.train import RelevanceSettings
    from workbench.commands.train_relevance import relevance_for_workspace
    from engine.workspace import Workspace

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--home", type=Path, required=True, help="an indexed workspace with judgments (a copy: it writes)")
    p.add_argument("--source", default="all", choices=("human", "simulated", "all"))
    p.add_argument("--epochs", type=int, default=TeacherSettings.epochs)
    p.add_argument("--pseudo-threshold", type=float, default=RelevanceSettings.pseudo_threshold)
    args = p.parse_args(argv)
    settings = RelevanceSettings(source=args.source, pseudo_threshold=args.pseudo_threshold,
                                 teacher=replace(TeacherSettings(), epochs=args.epochs))
    start = time.perf_counter()
    report = relevance_for_workspace(Workspace.resolve(args.home), settings)
    total = time.perf_counter() - start
    m, lat = report.metrics, report.metrics["latency_ms_per_1000"]
    print(f"relevance model on {args.home}: {report.train_pairs} judged training pairs, {report.held_out_pairs} "
          f"held-out pairs, pseudo-labels kept {report.pseudo_kept} of {report.pseudo_candidates} "
          f"(threshold {args.pseudo_threshold}); total {total:.0f}s")
    print(f"\n{'model':10s} {'train s':>8s} {'accuracy':>9s} {'QWK':>7s} {'QWK / ceiling':>14s} "
          f"{'ms / 1k pairs':>14s} {'latency ratio':>14s}")
    ceiling = m["raters"]["qwk"]
    for who, seconds, ms in (("teacher", report.teacher_seconds, lat["teacher"]),
                             ("student", report.student_seconds, lat["student"])):
        print(f"{who:10s} {seconds:8.1f} {m[who]['accuracy']:9.3f} {m[who]['qwk']:7.3f} "
              f"{m[who]['qwk'] / ceiling:14.2f} {ms:14.1f} {ms / lat['teacher']:14.4f}")
    print(f"{'raters':10s} {'':>8s} {m['raters']['accuracy']:9.3f} {ceiling:7.3f} {1.0:14.2f} {'':>14s} {'':>14s}")
    print(f"\nteacher latency over {lat['teacher_pairs']} pairs scaled to 1,000; student over {lat['student_pairs']} "
          f"candidates of one query (features from stored vectors + MLP). Accuracy/QWK against {m['raters']['n']} "
          "held-out judgments; raters = each judgment vs the other raters' lower median.")
    judge = judge_entry(Workspace.resolve(args.home))
    ratio = judge["kappa"] / judge["raters_kappa"] if judge["kappa"] is not None and judge["raters_kappa"] else None
    print(f"\njudge (as `eval agreement`): {judge['n_units']} held-out pairs judged by >= 2 raters; kappa vs the "
          f"raters' label {judge['kappa']:.3f}, raters' mean pairwise {judge['raters_kappa']:.3f}, ratio "
          f"{ratio:.2f} (aim >= 0.90: {'met' if ratio is not None and ratio >= 0.9 else 'not met'})")
    return 0


def judge_entry(workspace) -> dict:
    """{"name", "n_units", "kappa", "raters_kappa"} of the workspace's new student, as `eval agreement` lists it."""
    from engine.models.relevance.agreement import student_predictor
    from engine.models.relevance.judge_agreement import relevance_judge_entry
    from labels import open_store

    with open_store(workspace.judgments_path, read_only=True) as store:
        judgments = store.judgments_frame(mode="graded")
        return relevance_judge_entry(workspace, judgments, student_predictor(workspace, store))


if __name__ == "__main__":
    raise SystemExit(main())
