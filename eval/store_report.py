"""The report over a judgment store: the one call behind `workbench eval report` and the app's Compare page."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from eval.measures import DEFAULT_MEASURES
from eval.multiple_testing import DEFAULT_ALPHA
from eval.report import DEFAULT_SEED, Report, build_report
from eval.significance import DEFAULT_RESAMPLES


@dataclass(frozen=True)
class ReportRequest:
    """What to evaluate; the defaults are the CLI's, so that the app and the CLI agree unless told otherwise."""

    configs: tuple[str, ...]  # one or two config names; with two, the second is compared with the first
    query_set: str | None = None  # None: every query with runs and judgments
    measures: tuple[str, ...] = DEFAULT_MEASURES  # registry text forms
    mode: str = "graded"  # which judgments: graded (0-4) or binary (0/1); the two never mix
    include_simulated: bool = True  # simulated raters' judgments count too
    aggregate: str = "mean"  # how several raters' labels of one result become one grade
    relevance_level: float = 3  # graded labels >= this are relevant for P, R, map and recip_rank
    seed: int = DEFAULT_SEED  # of the bootstrap and permutation draws
    resamples: int = DEFAULT_RESAMPLES  # bootstrap resamples, and as many permutations
    alpha: float = DEFAULT_ALPHA  # family-wise level of the Holm correction
    labels: str = "humans"  # "humans" (people's judgments only) or "humans+model" (model judges fill the rest)


LABEL_SOURCES = ("humans", "humans+model")


def with_model_labels(people: pd.DataFrame, models: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """People's judgments plus the model judges' labels of the pairs no person judged (a model never outvotes a
    person); and how many pairs the model alone labels."""
    judged = set(zip(people["query_id"], people["item_id"]))
    alone = models[[(q, i) not in judged for q, i in zip(models["query_id"], models["item_id"])]]
    if alone.empty:
        return people, 0
    return pd.concat([people, alone], ignore_index=True), alone[["query_id", "item_id"]].drop_duplicates().shape[0]


def report_from_store(store, request: ReportRequest) -> Report:
    """build_report over the store's latest runs and judgments (`store`: a labels JudgmentStore)."""
    if request.labels not in LABEL_SOURCES:
        raise ValueError(f"unknown labels {request.labels!r}; choose one of {', '.join(LABEL_SOURCES)}")
    runs = store.run_results_frame(list(request.configs), request.query_set)
    judgments = store.judgments_frame(include_simulated=request.include_simulated, mode=request.mode,
                                      query_set=request.query_set)
    model_pairs = 0
    if request.labels == "humans+model":
        judgments, model_pairs = with_model_labels(
            judgments, store.model_judgments_frame(mode=request.mode, query_set=request.query_set))
    report = build_report(runs, judgments, configs=list(request.configs), measures=list(request.measures),
                          aggregate=request.aggregate, relevance_level=request.relevance_level, seed=request.seed,
                          resamples=request.resamples, alpha=request.alpha)
    return replace(report, labels=request.labels, model_pairs=model_pairs)
