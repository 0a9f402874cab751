"""Evaluation of tagging against ground truth: Recall@10, per-family precision/recall, the label distribution.

Recall@k is the seed's Fashion200K measure: per item, the share of its true attributes among the k
best-scored attributes, averaged over items. Only true attributes that the vocabulary can name are
counted (a value the vocabulary lacks cannot be predicted); the report says how many were left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np


def recall_at_k(scores: np.ndarray, truth: Sequence[Iterable[int]], k: int = 10) -> float:
    """Mean over items with any truth of |truth ∩ top-k columns| / |truth|; NaN when no item has truth."""
    scores = np.asarray(scores)
    if len(truth) != len(scores):
        raise ValueError(f"{len(scores)} score rows but {len(truth)} truth sets")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    k = min(k, scores.shape[1]) if scores.ndim == 2 else k
    values = []
    for row, true in zip(scores, truth):
        true = set(true)
        if not true:
            continue
        top = set(np.argsort(-row, kind="stable")[:k].tolist())
        values.append(len(true & top) / len(true))
    return float(np.mean(values)) if values else float("nan")


def family_precision_recall(assigned: Sequence[Iterable[tuple[str, str]]], truth: Sequence[Mapping[str, str]],
                            families: Sequence[str]) -> dict[str, dict[str, float]]:
    """Per family: precision of the assigned values and recall of the true ones, with their counts."""
    if len(assigned) != len(truth):
        raise ValueError(f"{len(assigned)} assigned rows but {len(truth)} truth rows")
    out = {}
    for family in families:
        n_assigned = n_true = hits = 0
        for got, true in zip(assigned, truth):
            values = {v for f, v in got if f == family}
            n_assigned += len(values)
            if family in true:
                n_true += 1
                hits += true[family] in values
        # an item has one true value per family, so correct assignments = recalled truths
        out[family] = {"precision": hits / n_assigned if n_assigned else float("nan"),
                       "recall": hits / n_true if n_true else float("nan"),
                       "assigned": n_assigned, "true": n_true}
    return out


def label_distribution(pairs: Iterable[tuple[str, str, str]], items: int | None = None) -> dict[str, float]:
    """Distinct (family, value) labels and mean labels per product over (item, family, value) triples.

    `items` is the denominator (the catalog's size); by default, the items that have any label.
    """
    per_item: dict[str, set] = {}
    for item, family, value in pairs:
        per_item.setdefault(item, set()).add((family, value))
    distinct = len(set().union(*per_item.values())) if per_item else 0
    total = sum(len(v) for v in per_item.values())
    denominator = items if items is not None else len(per_item)
    return {"distinct": distinct, "mean_per_product": total / denominator if denominator else 0.0,
            "items_with_labels": len(per_item)}
