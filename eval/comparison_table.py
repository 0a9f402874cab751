"""A report's paired comparisons as one table, the same rows the app shows and the CLI prints."""

from __future__ import annotations

import pandas as pd

from eval.report import Report

SIGNIFICANT = "significant (Holm)"  # the column that marks deltas significant after the correction


def comparison_frame(report: Report) -> pd.DataFrame:
    """One row per (group, measure): both configs' means, the delta, its CI, raw and Holm-adjusted p, the mark."""
    if not report.comparisons:
        raise ValueError(f"the report of {', '.join(report.configs)} has no comparison; it needs two configs")
    baseline, candidate = report.configs
    rows = []
    for c in report.comparisons:
        a, b = report.summary(baseline, c.group), report.summary(candidate, c.group)
        rows.append({"group": c.group, "measure": c.measure, baseline: a.means[c.measure],
                     candidate: b.means[c.measure], "delta": c.result.mean_delta, "CI low": c.result.ci_low,
                     "CI high": c.result.ci_high, "p-value": c.result.p_value, "p (Holm)": c.p_adjusted,
                     SIGNIFICANT: c.significant, "queries": c.result.n_queries, "judged": c.judged_fraction})
    return pd.DataFrame(rows)
