"""`workbench train engagement`: the (query, item) engagement model with position-bias correction."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.commands.common import home_option, non_negative_int, workspace_from


def register_engagement(models: argparse._SubParsersAction) -> None:
    e = models.add_parser("engagement", parents=[home_option()],
                          help="train the engagement model (the `learned` engagement scorer) from the search log",
                          description="Estimate position propensities from the search log (EM), fit an IPW-weighted "
                                      "logistic model of P(long click or save | query, item, examined) over search-time "
                                      "features, and measure it on the last 15%% of the log by time against the "
                                      "no-IPW model and the COEC-only baseline. Writes WORKSPACE/models/engagement.json.")
    e.add_argument("--search-log", type=Path, default=None,
                   help="folder with searches.parquet and impressions.parquet (default: WORKSPACE/sample/search_log)")
    e.add_argument("--seed", type=non_negative_int, default=0,
                   help="seed of the subsample of a training window over 500,000 impressions (default 0)")
    e.add_argument("--json", action="store_true", help="print the report as one JSON object")
    e.set_defaults(run=run_engagement)


def run_engagement(args: argparse.Namespace) -> int:
    import json
    import sys

    report = engagement_for_workspace(workspace_from(args), args.search_log, seed=args.seed)
    if args.json:
        print(json.dumps({"checkpoint": str(report.checkpoint), "seconds": round(report.seconds, 2),
                          "fit_seconds": round(report.fit_seconds, 3), "train_impressions": report.train_impressions,
                          "held_out_impressions": report.held_out_impressions, "propensities": report.propensities,
                          "metrics": report.metrics, "coefficients": report.coefficients}))
    else:
        print(report.summary(), file=sys.stdout)
    return 0


def engagement_for_workspace(workspace, search_log: Path | None = None, *, seed: int = 0):
    """Train the engagement model from a search log (default: the sample's); the report. A workspace without a
    log is told that the `coec` engagement (neutral without a log) needs no model."""
    from engine.models.engagement.checkpoint import workspace_checkpoint
    from engine.models.engagement.train import EngagementSettings, train_engagement
    from engine.pipeline.context import SearchContext

    if not workspace.lancedb_dir.is_dir():
        raise FileNotFoundError(f"the workspace {workspace.root} has no index; run `workbench index --home "
                                f"{workspace.root}` (after `workbench ingest`) first")
    if search_log is None:
        search_log = workspace.sample_dir / "search_log"
        if not search_log.is_dir():
            raise FileNotFoundError(f"no search log given and {search_log} does not exist; pass --search-log DIR "
                                    "(a folder with searches.parquet and impressions.parquet). Without a log, "
                                    "use engagement = \"coec\", which is neutral (0.5) for every item")
    context = SearchContext.open(workspace)
    return train_engagement(context, search_log, workspace_checkpoint(workspace.create()),
                            EngagementSettings(seed=seed))
