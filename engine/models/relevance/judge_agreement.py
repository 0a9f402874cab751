"""How far a trained judge can be trusted: its quadratic-weighted kappa against the raters' aggregated label,
beside the raters' own mean pairwise kappa, on the same units (pairs judged by at least two raters of queries
the judge did not train on).

`eval agreement --json` lists one entry per trained judge: {"name", "n_units", "kappa", "raters_kappa"}; the
Dashboard shows the same figures.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from engine.metrics.kappa import cohen_kappa_quadratic
from engine.models.relevance.examples import GRADES, held_out_queries, lower_median, select_source

UNIT = ["query_id", "item_id"]


def shared_units(judgments: pd.DataFrame, queries: set[str] | None = None) -> list[tuple[str, str]]:
    """(query_id, item_id) pairs with labels from at least two distinct raters (of `queries` when given)."""
    frame = judgments if queries is None else judgments[judgments["query_id"].isin(queries)]
    raters = frame.groupby(UNIT, sort=True)["rater_id"].nunique()
    return [unit for unit, n in raters.items() if n >= 2]


def judge_agreement(judgments: pd.DataFrame, predicted: dict[tuple[str, str], int],
                    units: list[tuple[str, str]]) -> dict:
    """The kernel. K: kappa of the judge's grade against the raters' lower-median label over the `units` it graded;
    R: the mean, over rater pairs sharing at least two of those units, of their pairwise kappa there."""
    scored = [u for u in units if u in predicted]
    frame = judgments.set_index(UNIT).sort_index()
    labels = list(range(GRADES))
    aggregate = [lower_median(frame.loc[[u], "label"]) for u in scored]
    kappa = cohen_kappa_quadratic(aggregate, [int(predicted[u]) for u in scored], labels=labels) if scored else np.nan
    wide = (judgments.set_index(UNIT).loc[scored].reset_index() if scored else judgments.iloc[:0]) \
        .pivot_table(index=UNIT, columns="rater_id", values="label", aggfunc="last")
    pairwise = []
    for a, b in combinations(sorted(wide.columns), 2):
        both = wide[[a, b]].dropna()
        if len(both) >= 2:
            value = cohen_kappa_quadratic(both[a].astype(int).to_numpy(), both[b].astype(int).to_numpy(), labels=labels)
            if not np.isnan(value):
                pairwise.append(value)
    return {"n_units": len(scored), "kappa": None if np.isnan(kappa) else float(kappa),
            "raters_kappa": float(np.mean(pairwise)) if pairwise else None}


def relevance_units(judgments: pd.DataFrame, settings: dict, metrics: dict) -> list[tuple[str, str]]:
    """Units for the relevance model: its training source's graded judgments of the queries it held out, judged
    by two raters or more. The held-out queries are the ones its checkpoint recorded; an older checkpoint without
    them gets the split its training made, recomputed from today's query ids (the same fraction and seed)."""
    chosen = select_source(judgments, settings.get("source", "all"))
    held = metrics.get("held_out_queries")
    if held is None:
        held = held_out_queries(chosen["query_id"], settings.get("held_out_fraction", 0.2), settings.get("seed", 0))
    return shared_units(chosen, set(held))


def relevance_judge_entry(workspace, judgments: pd.DataFrame, predict) -> dict:
    """The `models` entry of the workspace's relevance student: {"name", "n_units", "kappa", "raters_kappa"}."""
    from engine.models.relevance.checkpoint import load_student, workspace_student

    _, meta = load_student(workspace_student(workspace))
    units = relevance_units(judgments, meta.settings, meta.metrics)
    pairs = pd.DataFrame(units, columns=UNIT)
    predicted = predict(pairs) if len(pairs) else {}
    return {"name": "relevance", **judge_agreement(judgments, predicted, units)}
