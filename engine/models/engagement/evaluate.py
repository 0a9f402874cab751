"""Held-out measures of engagement predictions: IPW log loss, AUC (plain and IPW-weighted), ECE.

ipw_log_loss   mean of -t log p - (1 - t) log(1 - p) with t = engaged * IPW weight: an unbiased estimate of the
               log loss against engagement of examined results (it can be negative: t exceeds 1).
auc            how well the scores separate engaged from not-engaged impressions as logged.
ipw_auc        the same with each engaged impression weighted by its IPW weight (engagement if examined).
ece            expected calibration error of the reliability table against the IPW-corrected rate.
"""

from __future__ import annotations

import numpy as np

from engine.models.engagement.calibration import expected_calibration_error, reliability_table

EPS = 1e-6


def log_loss(predicted: np.ndarray, targets: np.ndarray) -> float:
    p = np.clip(np.asarray(predicted, np.float64), EPS, 1 - EPS)
    t = np.asarray(targets, np.float64)
    return float(np.mean(-t * np.log(p) - (1 - t) * np.log(1 - p)))


def weighted_auc(scores: np.ndarray, labels: np.ndarray, weights: np.ndarray | None = None) -> float:
    """P(score of a positive > score of a negative), ties count half, pairs weighted by the product of weights."""
    scores = np.asarray(scores, np.float64)
    labels = np.asarray(labels, bool)
    weights = np.ones(len(scores)) if weights is None else np.asarray(weights, np.float64)
    if labels.all() or not labels.any():
        raise ValueError("AUC needs both engaged and not-engaged impressions")
    order = np.argsort(scores, kind="stable")
    s, y, w = scores[order], labels[order], weights[order]
    uniq, start = np.unique(s, return_index=True)
    pos = np.add.reduceat(np.where(y, w, 0.0), start)
    neg = np.add.reduceat(np.where(~y, w, 0.0), start)
    below = np.concatenate([[0.0], np.cumsum(neg)[:-1]])  # negative weight strictly below each score
    return float((pos * (below + 0.5 * neg)).sum() / (pos.sum() * neg.sum()))


def evaluate(predicted: np.ndarray, engaged: np.ndarray, weights: np.ndarray, bins: int = 10) -> dict:
    """The measures above for one model's predictions on the held-out impressions."""
    engaged = np.asarray(engaged, bool)
    targets = engaged * np.asarray(weights, np.float64)
    table = reliability_table(predicted, targets, bins)
    return {"ipw_log_loss": log_loss(predicted, targets), "auc": weighted_auc(predicted, engaged),
            "ipw_auc": weighted_auc(predicted, engaged, np.where(engaged, weights, 1.0)),
            "ece": expected_calibration_error(table), "reliability": [b.to_dict() for b in table]}
