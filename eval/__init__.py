"""Offline metrics over judgments (read-only). Metric kernels are pure functions over arrays."""

from eval.aggregate import AGGREGATIONS, aggregate_judgments
from eval.agreement import (
    cohen_kappa_quadratic,
    fleiss_kappa,
    fleiss_kappa_from_counts,
    gold_accuracy,
    krippendorff_alpha,
    krippendorff_alpha_ordinal_from_counts,
    pairwise_cohen_kappa,
    rater_bias,
)
from eval.measures import (
    DEFAULT_MEASURES,
    MEASURES,
    Measure,
    MeasureSpec,
    UnknownMeasureError,
    compute,
    known_measures,
    parse_measure,
)
from eval.comparison_method import ComparisonMethod
from eval.comparison_table import SIGNIFICANT, comparison_frame
from eval.multiple_testing import DEFAULT_ALPHA, HOLM, holm_adjust, holm_reject
from eval.ranking import RankedGrades, rank_grades
from eval.rater_table import rater_comments, rater_table
from eval.report import ALL, DEFAULT_SEED, ConfigSummary, MeasureComparison, Report, build_report
from eval.significance import (
    DEFAULT_RESAMPLES,
    PairedComparison,
    bootstrap_ci,
    bootstrap_means,
    compare_paired,
    randomization_p,
)
from eval.store_report import ReportRequest, report_from_store
from eval.trec import (
    TREC_MEASURES,
    TrecEvaluation,
    TrecFormatError,
    evaluate_trec,
    read_qrels,
    read_run,
    trec_measure,
    trec_order,
    write_qrels,
    write_run,
)

__all__ = [
    "AGGREGATIONS",
    "ALL",
    "ComparisonMethod",
    "ConfigSummary",
    "DEFAULT_ALPHA",
    "DEFAULT_MEASURES",
    "DEFAULT_RESAMPLES",
    "DEFAULT_SEED",
    "HOLM",
    "MEASURES",
    "Measure",
    "MeasureComparison",
    "MeasureSpec",
    "PairedComparison",
    "RankedGrades",
    "Report",
    "ReportRequest",
    "SIGNIFICANT",
    "TREC_MEASURES",
    "TrecEvaluation",
    "TrecFormatError",
    "UnknownMeasureError",
    "aggregate_judgments",
    "bootstrap_ci",
    "bootstrap_means",
    "build_report",
    "cohen_kappa_quadratic",
    "compare_paired",
    "comparison_frame",
    "compute",
    "evaluate_trec",
    "fleiss_kappa",
    "fleiss_kappa_from_counts",
    "gold_accuracy",
    "holm_adjust",
    "holm_reject",
    "known_measures",
    "krippendorff_alpha",
    "krippendorff_alpha_ordinal_from_counts",
    "pairwise_cohen_kappa",
    "parse_measure",
    "randomization_p",
    "rank_grades",
    "rater_bias",
    "rater_comments",
    "rater_table",
    "read_qrels",
    "read_run",
    "report_from_store",
    "trec_measure",
    "trec_order",
    "write_qrels",
    "write_run",
]
