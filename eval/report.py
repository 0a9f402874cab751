"""The metrics report: every measure per config and query type, coverage, and a paired comparison."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from eval.aggregate import aggregate_judgments
from eval.comparison_method import ComparisonMethod
from eval.measures import LOW_COVERAGE, compute, parse_measure, spec_of
from eval.measures.judged import judged_at_k, judged_counts
from eval.ranking import rank_grades
from eval.multiple_testing import DEFAULT_ALPHA, holm_adjust
from eval.significance import DEFAULT_RESAMPLES, PairedComparison, compare_paired

ALL = "all"  # the group of every query, beside one group per query type
RUN_COLUMNS = ("config_name", "query_id", "item_id", "rank")
DEFAULT_SEED = 0  # of the bootstrap and permutation draws, in the app and the CLI alike
CONFIDENCE = 0.95  # of every bootstrap interval


@dataclass(frozen=True)
class ConfigSummary:
    """One config over one group of queries: mean of every measure and the judged@k coverage."""

    config: str
    group: str  # ALL or a query type
    n_queries: int
    means: dict[str, float]  # measure text form -> mean over the group's queries (NaN values left out)
    coverage: dict[str, float]  # "judged@10" -> mean fraction of the top 10 that is judged


@dataclass(frozen=True)
class MeasureComparison:
    """candidate - baseline on one measure over the queries both configs ran, in one group."""

    group: str
    measure: str
    baseline: str
    candidate: str
    result: PairedComparison
    judged_fraction: float  # judged share of both configs' compared top-k results (whole runs without a cutoff)
    p_adjusted: float = float("nan")  # Holm-adjusted over every comparison of the report
    significant: bool = False  # p_adjusted <= the report's alpha

    @property
    def low_coverage(self) -> bool:
        return bool(self.judged_fraction < LOW_COVERAGE)

    def describe(self) -> str:
        """The delta, its CI, raw and Holm-adjusted p, and `*` when significant after the correction."""
        if self.result.n_queries == 0:
            return self.result.describe()
        adjusted = "n/a" if math.isnan(self.p_adjusted) else f"{self.p_adjusted:.4f}"
        return f"{self.result.describe()} p_holm={adjusted}{' *' if self.significant else ''}"


@dataclass(frozen=True)
class Report:
    """What build_report found; to_dict() for JSON, to_text() for a terminal."""

    configs: tuple[str, ...]
    measures: tuple[str, ...]
    aggregate: str
    relevance_level: float
    seed: int
    resamples: int
    groups: tuple[str, ...]
    summaries: tuple[ConfigSummary, ...]
    comparisons: tuple[MeasureComparison, ...]
    skipped: dict[str, int]  # config -> queries of its run without any judgment (not evaluated)
    warnings: tuple[str, ...]
    per_query: pd.DataFrame = field(repr=False)  # config, query_id, query_type, one column per measure
    alpha: float = DEFAULT_ALPHA  # family-wise error rate of the Holm correction across `comparisons`
    confidence: float = CONFIDENCE  # of the bootstrap intervals
    binary_labels: bool = False  # judged 0/1: relevance_level is 1 whatever was asked
    labels: str = "humans"  # whose labels: "humans", or "humans+model" (a model judge fills pairs no person judged)
    model_pairs: int = 0  # with humans+model: pairs whose only label is a model judge's

    @property
    def method(self) -> ComparisonMethod:
        """How the comparisons were computed, for the sentences shown beside them."""
        level_measures = tuple(m for m in self.measures if spec_of(parse_measure(m)).uses_level)
        return ComparisonMethod(self.confidence, self.resamples, self.seed, self.alpha, len(self.comparisons),
                                self.relevance_level, self.binary_labels, level_measures, self.aggregate)

    def summary(self, config: str, group: str = ALL) -> ConfigSummary:
        for item in self.summaries:
            if item.config == config and item.group == group:
                return item
        raise KeyError(f"no summary for config {config!r} in group {group!r}; groups: {', '.join(self.groups)}")

    def comparison(self, measure: str, group: str = ALL) -> MeasureComparison:
        for item in self.comparisons:
            if item.measure == measure and item.group == group:
                return item
        raise KeyError(f"no comparison of {measure!r} in group {group!r}")

    def to_dict(self) -> dict:
        """JSON-able: NaN becomes None."""
        return {
            "configs": list(self.configs),
            "measures": list(self.measures),
            "aggregate": self.aggregate,
            "relevance_level": self.relevance_level,
            "seed": self.seed,
            "resamples": self.resamples,
            "groups": list(self.groups),
            "summaries": [
                {"config": s.config, "group": s.group, "n_queries": s.n_queries,
                 "means": {k: _json(v) for k, v in s.means.items()},
                 "coverage": {k: _json(v) for k, v in s.coverage.items()}}
                for s in self.summaries
            ],
            "comparisons": [
                {"group": c.group, "measure": c.measure, "baseline": c.baseline, "candidate": c.candidate,
                 "mean_delta": _json(c.result.mean_delta), "ci_low": _json(c.result.ci_low),
                 "ci_high": _json(c.result.ci_high), "p_value": _json(c.result.p_value),
                 "p_adjusted": _json(c.p_adjusted), "significant": c.significant,
                 "n_queries": c.result.n_queries, "judged_fraction": _json(c.judged_fraction),
                 "low_coverage": c.low_coverage}
                for c in self.comparisons
            ],
            "method": self.method.to_dict() if self.comparisons else None,
            "skipped_queries": dict(self.skipped),
            "warnings": list(self.warnings),
            "labels": self.labels,
            "model_pairs": self.model_pairs,
        }

    def to_text(self) -> str:
        """An aligned table: one row per group and measure, one column per config, then the delta."""
        header = ["group", "measure", *self.configs]
        two = len(self.configs) == 2
        if two:
            header.append(f"delta {self.configs[1]} - {self.configs[0]} [95% CI]")
        rows = []
        comparisons = {(c.group, c.measure): c for c in self.comparisons}
        for group in self.groups:
            summaries = {s.config: s for s in self.summaries if s.group == group}
            rows.append([group, "queries", *(str(summaries[c].n_queries) for c in self.configs)] + ([""] if two else []))
            for measure in self.measures:
                row = [group, measure, *(_fmt(summaries[c].means[measure]) for c in self.configs)]
                if two:
                    comparison = comparisons[group, measure]
                    cell = comparison.describe()
                    if comparison.low_coverage:
                        cell += f"  (!) only {comparison.judged_fraction:.0%} judged"
                    row.append(cell)
                rows.append(row)
            for name in summaries[self.configs[0]].coverage:
                rows.append([group, name, *(_fmt(summaries[c].coverage[name]) for c in self.configs)]
                            + ([""] if two else []))
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        lines = [
            f"configs: {', '.join(self.configs)}" + (f" (baseline {self.configs[0]})" if two else "")
            + f"; labels: {self.labels}"
            + (f" ({self.model_pairs} pairs labelled by a model judge only)" if self.labels != "humans" else "")
            + f"; aggregate: {self.aggregate}; relevant: grade >= {_number(self.relevance_level)}"
            + (f"; {self.resamples:,} resamples, seed {self.seed}" if two else ""),
            "  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip(),
        ]
        lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
        if two:
            lines += self.method.lines()
        skipped = {c: n for c, n in self.skipped.items() if n}
        if skipped:
            lines.append("skipped (in the run, no judgments at all): "
                         + ", ".join(f"{c}: {n} quer{'y' if n == 1 else 'ies'}" for c, n in skipped.items()))
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _json(value: float):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _fmt(value: float) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.4f}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _effective_level(judgments: pd.DataFrame, relevance_level: float) -> float:
    """Binary labels (0/1) are already relevance decisions: their level is 1 whatever relevance_level says."""
    if "mode" not in judgments.columns or judgments.empty:
        return float(relevance_level)
    modes = sorted(judgments["mode"].astype(str).unique())
    if len(modes) > 1:
        raise ValueError(
            f"judgments mix the modes {modes}; graded (0-4) and binary (0/1) labels are different scales, "
            "filter to one (judgments_frame(mode='graded'), or --mode on the command line)"
        )
    return 1.0 if modes == ["binary"] else float(relevance_level)


def _mean(values: np.ndarray) -> float:
    values = values[~np.isnan(values)]
    return float(values.mean()) if len(values) else float("nan")


GRADED_SCALE = (0, 4)  # the graded labels' scale (labels.scales.LABEL_SCALES["graded"]); eval does not import labels


def check_relevance_level(level: float) -> float:
    """The level, if it is a number on the graded 0..4 scale; else a ValueError that says so."""
    low, high = GRADED_SCALE
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not low <= level <= high:
        raise ValueError(f"relevance level {level!r} is off the graded scale; give a number from {low} to {high} "
                         f"(e.g. 3: labels 3 and 4 count as relevant)")
    return level


def build_report(runs: pd.DataFrame, judgments: pd.DataFrame, *, configs: Sequence[str],
                 measures: Sequence[str], aggregate: str = "mean", relevance_level: float = 3,
                 seed: int = DEFAULT_SEED, resamples: int = DEFAULT_RESAMPLES, alpha: float = DEFAULT_ALPHA) -> Report:
    """Every measure per config and per query type (plus "all"); for two configs, their paired comparison.

    `runs` has the store's run_results_frame() columns, `judgments` its judgments_frame() columns.
    Raters are aggregated per (query, item) by `aggregate`; a graded result is relevant when its
    grade >= relevance_level (binary labels: >= 1). Queries of a run without any judgment are skipped
    and counted; the comparison uses the queries both configs ran (the first config is the baseline).
    Holm's correction spans every comparison (all groups and measures) at family-wise level `alpha`.
    """
    check_relevance_level(relevance_level)
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, e.g. 0.05; got {alpha!r}")
    configs = [str(c) for c in configs]
    if not configs:
        raise ValueError("no configs given; name one or two, e.g. --configs baseline,candidate")
    if len(set(configs)) != len(configs):
        raise ValueError(f"configs repeat a name: {configs}; give each config once")
    parsed = [parse_measure(m) for m in measures]
    if not parsed:
        raise ValueError("no measures given; e.g. P@10,nDCG@10")
    names = list(dict.fromkeys(str(m) for m in parsed))
    missing = [c for c in RUN_COLUMNS if c not in runs.columns]
    if missing:
        raise ValueError(f"runs lack the columns {missing}; they have {list(runs.columns)}")
    known = sorted(runs["config_name"].astype(str).unique())
    unknown = [c for c in configs if c not in known]
    if unknown:
        raise ValueError(f"no run of config {', '.join(map(repr, unknown))}; configs with runs: "
                         f"{', '.join(known) or 'none (record runs first)'}")
    if judgments.empty:
        raise ValueError(f"there are no judgments to evaluate {', '.join(configs)} with; label some results first "
                         "(workbench app), or check --query-set and --mode")
    level = _effective_level(judgments, relevance_level)
    grades = aggregate_judgments(judgments, aggregate)
    judged_queries = set(pd.unique(grades["query_id"].astype(str)))

    runs = runs.assign(config_name=runs["config_name"].astype(str), query_id=runs["query_id"].astype(str))
    if "query_type" not in runs.columns:
        runs = runs.assign(query_type="unknown")
    cutoffs = sorted({m.k for m in parsed if m.k is not None})
    # judged@k for every cutoff in use, unless asked for as a measure already.
    coverage = [(k, f"judged@{k}") for k in cutoffs] if cutoffs else [(None, "judged")]
    coverage = [(k, name) for k, name in coverage if name not in names]
    coverage_names = [name for _, name in coverage]

    per_config: dict[str, pd.DataFrame] = {}
    counts: dict[str, dict] = {}
    skipped: dict[str, int] = {}
    for config in configs:
        run = runs[runs["config_name"] == config]
        run_queries = sorted(run["query_id"].unique())
        evaluated = [q for q in run_queries if q in judged_queries]
        skipped[config] = len(run_queries) - len(evaluated)
        batch = rank_grades(run, grades, query_ids=evaluated)
        types = run.drop_duplicates("query_id").set_index("query_id")["query_type"].astype(str)
        frame = pd.DataFrame({"config": config, "query_id": evaluated,
                              "query_type": types.reindex(evaluated).to_numpy()})
        for measure, name in zip(parsed, names):
            frame[name] = compute(measure, batch, level)
        for k, name in coverage:
            frame[name] = judged_at_k(batch.retrieved, batch.lengths, k)  # k None: the whole run
        per_config[config] = frame
        counts[config] = {k: judged_counts(batch.retrieved, batch.lengths, k) for k in {m.k for m in parsed}}
    if not any(len(f) for f in per_config.values()):
        raise ValueError(
            f"none of the {sum(skipped.values())} queries in the runs of {', '.join(configs)} has a judgment; "
            "label some results first (workbench app), or check --query-set and --mode"
        )

    all_types = sorted(set().union(*(set(f["query_type"]) for f in per_config.values())))
    groups = (ALL, *all_types)
    summaries, comparisons, warnings = [], [], []
    for group in groups:
        for config in configs:
            frame = per_config[config]
            rows = frame if group == ALL else frame[frame["query_type"] == group]
            coverage = {name: _mean(rows[name].to_numpy(dtype=float)) for name in coverage_names}
            summaries.append(ConfigSummary(config, group, len(rows),
                                           {n: _mean(rows[n].to_numpy(dtype=float)) for n in names}, coverage))
            for name, value in coverage.items():
                if value < LOW_COVERAGE:
                    warnings.append(f"{config}, {group} queries: {name} is {value:.2f} (< {LOW_COVERAGE}); "
                                    "metrics at that depth rest on unjudged results, label more")
        if len(configs) == 2:
            comparisons += _compare(group, configs, per_config, counts, parsed, names, seed, resamples)
    per_query = pd.concat(per_config.values(), ignore_index=True)
    comparisons = _holm(comparisons, alpha)
    binary = "mode" in judgments.columns and set(judgments["mode"].astype(str)) == {"binary"}
    return Report(tuple(configs), tuple(names), aggregate, level, int(seed), int(resamples), groups,
                  tuple(summaries), tuple(comparisons), skipped, tuple(warnings), per_query, float(alpha),
                  CONFIDENCE, binary)


def _holm(comparisons: list[MeasureComparison], alpha: float) -> list[MeasureComparison]:
    """The comparisons with their Holm-adjusted p-values across the whole table, and significance at alpha."""
    adjusted = holm_adjust([c.result.p_value for c in comparisons])
    return [replace(c, p_adjusted=float(a), significant=bool(not math.isnan(a) and a <= alpha))
            for c, a in zip(comparisons, adjusted)]


def _compare(group, configs, per_config, counts, parsed, names, seed, resamples) -> list[MeasureComparison]:
    base, cand = (per_config[c] for c in configs)
    if group != ALL:
        base, cand = base[base["query_type"] == group], cand[cand["query_type"] == group]
    common = sorted(set(base["query_id"]) & set(cand["query_id"]))
    a = base.set_index("query_id").loc[common]
    b = cand.set_index("query_id").loc[common]
    deltas = (b[names].to_numpy(dtype=float) - a[names].to_numpy(dtype=float)).T  # measures x queries
    results: dict[str, PairedComparison] = {}
    complete = [i for i in range(len(names)) if not np.isnan(deltas[i]).any()]
    if complete:  # one call: the measures share their resamples
        for i, result in zip(complete, compare_paired(deltas[complete], resamples=resamples, confidence=CONFIDENCE,
                                                      seed=seed)):
            results[names[i]] = result
    for i in set(range(len(names))) - set(complete):  # e.g. relevance@k, undefined where nothing is judged
        row = deltas[i][~np.isnan(deltas[i])]
        results[names[i]] = compare_paired(row, resamples=resamples, confidence=CONFIDENCE, seed=seed)[0]
    out = []
    for measure, name in zip(parsed, names):
        judged = shown = 0
        for config in configs:
            frame = per_config[config]
            position = pd.Index(frame["query_id"]).get_indexer(common)
            j, s = counts[config][measure.k]
            judged += int(j[position].sum())
            shown += int(s[position].sum())
        fraction = judged / shown if shown else float("nan")
        out.append(MeasureComparison(group, name, configs[0], configs[1], results[name], fraction))
    return out
