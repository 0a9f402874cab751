"""Model-versus-rater agreement for the Dashboard: per rater, the model's QWK against that rater beside the
rater's QWK against the others (the lower median of the other raters of each pair)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from engine.models.relevance.evaluate import quadratic_weighted_kappa
from engine.models.relevance.examples import lower_median

AGREEMENT_COLUMNS = ("rater_id", "n", "model_kappa", "n_shared", "rater_vs_others_kappa")
Predict = Callable[[pd.DataFrame], dict]  # (query_id, item_id) rows -> {(query_id, item_id): grade 0..4}


def agreement_by_rater(judgments: pd.DataFrame, predicted: dict[tuple[str, str], int]) -> pd.DataFrame:
    """The kernel: judgments (query_id, item_id, rater_id, label) and the model's grade per pair."""
    others_of: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for q, i, r, label in zip(judgments["query_id"], judgments["item_id"], judgments["rater_id"], judgments["label"]):
        others_of.setdefault((q, i), []).append((r, int(label)))
    rows = []
    for rater_id, group in judgments.groupby("rater_id", sort=True):
        pairs = list(zip(group["query_id"], group["item_id"]))
        labels = group["label"].astype(int).tolist()
        covered = [(p, y) for p, y in zip(pairs, labels) if p in predicted]
        shared = [(y, lower_median([v for r, v in others_of[p] if r != rater_id]))
                  for p, y in zip(pairs, labels) if any(r != rater_id for r, _ in others_of[p])]
        rows.append({
            "rater_id": rater_id, "n": len(covered),
            "model_kappa": quadratic_weighted_kappa([y for _, y in covered], [predicted[p] for p, _ in covered])
            if covered else float("nan"),
            "n_shared": len(shared),
            "rater_vs_others_kappa": quadratic_weighted_kappa([a for a, _ in shared], [b for _, b in shared])
            if shared else float("nan"),
        })
    return pd.DataFrame(rows, columns=list(AGREEMENT_COLUMNS))


def student_predictor(workspace, store, context=None) -> Predict:
    """Grades (argmax) of the workspace's student over the pairs, through the search's own understand stage;
    `context` is an open SearchContext of the workspace to reuse (else one is opened)."""
    from engine.models.relevance.scorer import student_for
    from engine.models.relevance.train import features_for, understood_queries
    from engine.pipeline.context import SearchContext

    context = context or SearchContext.open(workspace)

    def predict(pairs: pd.DataFrame) -> dict:
        pairs = pairs[["query_id", "item_id"]].drop_duplicates().reset_index(drop=True)
        pairs = pairs[pairs["item_id"].isin(context.items)].reset_index(drop=True)
        understood = understood_queries(context, store, pairs["query_id"], workspace.root)
        grades = student_for(context).probabilities(features_for(context, understood, pairs)).argmax(axis=1)
        return dict(zip(zip(pairs["query_id"], pairs["item_id"]), grades.tolist()))

    return predict


def model_rater_agreement(store, workspace, *, predict: Predict | None = None, mode: str = "graded") -> pd.DataFrame:
    """Per rater: n judgments the model scored, its QWK against them, and the rater's QWK against the others."""
    judgments = store.judgments_frame(mode=mode)
    if judgments.empty:
        return pd.DataFrame(columns=list(AGREEMENT_COLUMNS))
    predict = predict or student_predictor(workspace, store)
    return agreement_by_rater(judgments, predict(judgments))
