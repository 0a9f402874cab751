"""Held-out evaluation: accuracy and quadratic-weighted kappa of a model against each judgment, the raters'
own agreement beside it (the ceiling), and latency per 1,000 pairs."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from engine.metrics.kappa import cohen_kappa_quadratic
from engine.models.relevance.examples import GRADES, lower_median


def quadratic_weighted_kappa(a, b, grades: int = GRADES) -> float:
    """Cohen's quadratic-weighted kappa on the fixed scale 0..grades-1 (engine.metrics' kernel); NaN when the
    expected disagreement is 0 (both sides constant and equal)."""
    a = np.asarray(a, np.int64)
    b = np.asarray(b, np.int64)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"a and b must be 1-d label arrays of one length, got shapes {a.shape} and {b.shape}")
    if len(a) and (a.min() < 0 or b.min() < 0 or a.max() >= grades or b.max() >= grades):
        raise ValueError(f"labels must lie in 0..{grades - 1}")
    return cohen_kappa_quadratic(a, b, labels=range(grades))


def accuracy(a, b) -> float:
    a, b = np.asarray(a), np.asarray(b)
    return float(np.mean(a == b)) if len(a) else float("nan")


def against_raters(judgments: pd.DataFrame, predicted: dict[tuple[str, str], int]) -> dict:
    """Accuracy and QWK of predicted grades against every judgment of the pairs they cover."""
    rows = judgments[[(q, i) in predicted for q, i in zip(judgments["query_id"], judgments["item_id"])]]
    model = [predicted[(q, i)] for q, i in zip(rows["query_id"], rows["item_id"])]
    return {"n": len(rows), "accuracy": accuracy(model, rows["label"]),
            "qwk": quadratic_weighted_kappa(rows["label"].astype(int), model)}


def rater_ceiling(judgments: pd.DataFrame) -> dict:
    """Each judgment against the lower median of the other raters of its pair (pairs with >= 2 raters): the
    agreement a model that predicts what the others say could reach."""
    labels, others = [], []
    for _, group in judgments.groupby(["query_id", "item_id"], sort=False):
        values = group["label"].astype(int).tolist()
        for n, value in enumerate(values):
            rest = values[:n] + values[n + 1:]
            if rest:
                labels.append(value)
                others.append(lower_median(rest))
    return {"n": len(labels), "accuracy": accuracy(others, labels), "qwk": quadratic_weighted_kappa(labels, others)}


def latency_per_1000(score: Callable[[int], object], n: int, repeats: int = 3) -> float:
    """Milliseconds per 1,000 pairs: the best of `repeats` timings of `score(n)` (which scores n pairs), scaled."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        score(n)
        best = min(best, time.perf_counter() - start)
    return best * 1000.0 * 1000.0 / n
