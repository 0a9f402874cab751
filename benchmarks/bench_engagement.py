"""Train and measure the engagement model on an indexed workspace and its search log.

    python benchmarks/bench_engagement.py --home /tmp/ws3000 --search-log /tmp/s3000/search_log --out /tmp/ws_eng

The workspace is copied to --out (the model is written to its models/engagement.json). Prints the training
time, held-out (last 15% of the log by time) IPW log loss / AUC / IPW-AUC / ECE of the IPW model, the no-IPW
model and the COEC-only baseline (today's engagement term, as a fitted one-feature model) with ratios against
the baseline, the reliability table of the IPW model, the estimated propensities beside the simulator's
examination curve (sample_data/search_log/engagement.py, position ** -EXAMINE_POWER), and the latency of the
`learned` engagement scorer against `coec` on the same candidates. --json writes all of it as one JSON file,
and the reliability plot as plotly JSON beside it (NAME.plot.json).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing

import numpy as np  # noqa: E402

from engine.features.engagement import get_engagement_scorer  # noqa: E402
from engine.models.engagement.checkpoint import workspace_checkpoint  # noqa: E402
from engine.models.engagement.data import load_log  # noqa: E402
from engine.models.engagement.train import EngagementSettings, train_engagement  # noqa: E402
from engine.pipeline.context import SearchContext  # noqa: E402
from engine.pipeline.understand import understand  # noqa: E402
from engine.records import Query  # noqa: E402
from engine.workspace import Workspace  # noqa: E402


def scorer_latency(context, queries: list[str], candidates: int) -> dict:
    """Mean ms per query of each scorer over `candidates` items (the first call, which loads the model, excluded)."""
    ids = list(context.items)[:candidates]
    understood = [understand(context, Query(text=q)) for q in queries]
    for u in understood:  # embed the query texts first: the pipeline has them cached by the time features run
        if u.enriched_text.strip():
            context.cached_text_vector("minilm", u.enriched_text.strip())
            context.cached_text_vector("clip", u.enriched_text.strip())
    out = {}
    for name in ("coec", "learned"):
        scorer = get_engagement_scorer(name)
        scorer.score(context, understood[0], ids)
        t = time.perf_counter()
        for u in understood:
            scorer.score(context, u, ids)
        out[name] = (time.perf_counter() - t) * 1000 / len(understood)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, required=True, help="indexed workspace (read only; copied to --out)")
    parser.add_argument("--search-log", type=Path, required=True, help="folder with searches/impressions.parquet")
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench_engagement_ws"), help="workspace copy to train in")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--latency-queries", type=int, default=20)
    parser.add_argument("--candidates", type=int, default=300, help="items scored per query in the latency test")
    parser.add_argument("--json", type=Path, default=None, help="write the figures as one JSON file")
    args = parser.parse_args()
    if args.out.resolve() != args.home.resolve():
        if args.out.exists():
            shutil.rmtree(args.out)
        shutil.copytree(args.home, args.out)
    workspace = Workspace.resolve(args.out)
    t = time.perf_counter()
    context = SearchContext.open(workspace)
    open_s = time.perf_counter() - t
    report = train_engagement(context, args.search_log, workspace_checkpoint(workspace.create()),
                              EngagementSettings(seed=args.seed))
    print(f"context open {open_s:.1f} s; training {report.seconds:.1f} s in all: features {report.feature_seconds:.1f} s "
          f"(understand + embed queries), three logistic fits {report.fit_seconds:.2f} s")
    print(f"impressions: {report.train_impressions} train, {report.held_out_impressions} held out")

    base = report.metrics["coec"]
    print(f"\n{'model':<8} {'ipw_logloss':>11} {'ratio':>6} {'auc':>7} {'ratio':>6} {'ipw_auc':>8} {'ratio':>6} {'ece':>7}")
    for name, m in report.metrics.items():
        print(f"{name:<8} {m['ipw_log_loss']:>11.4f} {m['ipw_log_loss'] / base['ipw_log_loss']:>6.3f} {m['auc']:>7.4f} "
              f"{m['auc'] / base['auc']:>6.3f} {m['ipw_auc']:>8.4f} {m['ipw_auc'] / base['ipw_auc']:>6.3f} "
              f"{m['ece']:>7.4f}")

    print("\nreliability of the IPW model (observed = mean of engaged / propensity):")
    print(f"{'bin':<11} {'count':>7} {'predicted':>9} {'observed':>9}")
    for b in report.metrics["ipw"]["reliability"]:
        print(f"{b['low']:.1f}-{b['high']:.1f}    {b['count']:>7} {b['mean_predicted']:>9.4f} {b['observed']:>9.4f}")

    truth = None
    try:
        from sample_data.search_log.engagement import EXAMINE_POWER

        truth = (np.arange(1, len(report.propensities) + 1) ** -EXAMINE_POWER).tolist()
    except ImportError:
        pass
    log = load_log(args.search_log)
    naive = log.groupby("position")["engaged"].mean()
    print("\nposition  estimated  simulator  naive engaged-rate ratio")
    for k, p in enumerate(report.propensities, start=1):
        sim = f"{truth[k - 1]:.3f}" if truth else "-"
        print(f"{k:>8}  {p:>9.3f}  {sim:>9}  {naive[k] / naive[1]:>9.3f}")

    latency = scorer_latency(context, list(dict.fromkeys(log["query"]))[:args.latency_queries], args.candidates)
    print(f"\nscorer latency per query over {args.candidates} candidates: coec {latency['coec']:.2f} ms, learned "
          f"{latency['learned']:.2f} ms ({latency['learned'] / latency['coec']:.1f}x)")
    print("coefficients (standardised): " + ", ".join(f"{k} {v:+.3f}" for k, v in report.coefficients.items()))
    if args.json:
        args.json.write_text(json.dumps({"seconds": report.seconds, "feature_seconds": report.feature_seconds,
                                         "fit_seconds": report.fit_seconds, "metrics": report.metrics,
                                         "propensities": report.propensities, "simulator": truth,
                                         "latency_ms": latency, "coefficients": report.coefficients}, indent=2))
        from engine.models.engagement.calibration import ReliabilityBin, reliability_plot

        table = [ReliabilityBin(**b) for b in report.metrics["ipw"]["reliability"]]
        plot = args.json.with_suffix(".plot.json")
        plot.write_text(reliability_plot(table).to_json())
        print(f"figures -> {args.json}; reliability plot (plotly JSON) -> {plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
