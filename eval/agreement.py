"""Agreement between raters: weighted Cohen's kappa, Fleiss' kappa, Krippendorff's alpha, bias, gold accuracy.

A unit is one (query_id, item_id). The frame functions take the store's `judgments_frame()` columns
(query_id, item_id, rater_id, label, and optionally mode and judged_at) and need one mode at a time:
graded and binary labels are different scales. If a rater labelled a unit more than once (in two
tasks), the latest label (by judged_at, else the last row) counts.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from engine.metrics.kappa import cohen_kappa_quadratic

UNIT = ["query_id", "item_id"]


# ---- kernels: arrays in, numbers out (cohen_kappa_quadratic lives in engine.metrics) -----------------

def fleiss_kappa_from_counts(counts) -> float:
    """Fleiss' kappa from a (units x categories) matrix of how many raters chose each category.

    Units may have different numbers of raters n_i: each unit's agreement is
    (sum_j n_ij^2 - n_i) / (n_i (n_i - 1)), averaged with equal weight over units, and chance agreement
    comes from the pooled category shares. With equal n_i this is Fleiss (1971) exactly (statsmodels'
    fleiss_kappa). Units with fewer than 2 ratings carry no agreement and are dropped.
    """
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 2:
        raise ValueError(f"counts must be a units x categories matrix, got shape {counts.shape}")
    n_i = counts.sum(axis=1)
    counts = counts[n_i >= 2]
    n_i = n_i[n_i >= 2]
    if len(counts) == 0:
        return float("nan")
    agreement = ((counts ** 2).sum(axis=1) - n_i) / (n_i * (n_i - 1))
    shares = counts.sum(axis=0) / n_i.sum()
    chance = (shares ** 2).sum()
    if chance == 1:
        return float("nan")
    return float((agreement.mean() - chance) / (1 - chance))


def krippendorff_alpha_ordinal_from_counts(counts) -> float:
    """Krippendorff's alpha, ordinal metric, from a (units x ordered values) count matrix.

    Missing ratings are simply absent from a unit's counts; units with fewer than 2 values are not
    pairable and are dropped. Ordinal distance between values c < k: (sum_{g=c..k} n_g - (n_c + n_k)/2)^2.
    """
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 2:
        raise ValueError(f"counts must be a units x values matrix, got shape {counts.shape}")
    m_u = counts.sum(axis=1)
    counts = counts[m_u >= 2]
    m_u = m_u[m_u >= 2]
    if len(counts) == 0:
        return float("nan")
    weight = 1.0 / (m_u - 1)
    # Coincidence matrix: o_ck = sum_u (n_uc n_uk - [c == k] n_uc) / (m_u - 1).
    coincidence = (counts * weight[:, None]).T @ counts - np.diag((counts * weight[:, None]).sum(axis=0))
    n_c = coincidence.sum(axis=0)
    n = n_c.sum()
    cumulative = np.concatenate([[0.0], np.cumsum(n_c)])
    low = np.minimum.outer(np.arange(len(n_c)), np.arange(len(n_c)))
    high = np.maximum.outer(np.arange(len(n_c)), np.arange(len(n_c)))
    between = cumulative[high + 1] - cumulative[low]  # sum of n_g for g from low to high, inclusive
    distance = (between - (n_c[:, None] + n_c[None, :]) / 2) ** 2
    np.fill_diagonal(distance, 0.0)
    expected = (np.outer(n_c, n_c) * distance).sum()
    if expected == 0:
        return float("nan")
    return float(1.0 - (n - 1) * (coincidence * distance).sum() / expected)


# ---- frame wrappers --------------------------------------------------------------------------------

def _labels(judgments: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in (*UNIT, "rater_id", "label") if c not in judgments.columns]
    if missing:
        raise ValueError(f"judgments lack the columns {missing}; they have {list(judgments.columns)}")
    if "mode" in judgments.columns and judgments["mode"].nunique() > 1:
        raise ValueError(
            f"judgments mix the modes {sorted(judgments['mode'].unique())}; agreement is measured on one scale, "
            "filter to one mode first (e.g. judgments_frame(mode='graded'))"
        )
    frame = judgments
    if "judged_at" in frame.columns:
        frame = frame.sort_values("judged_at", kind="stable")
    frame = frame.drop_duplicates([*UNIT, "rater_id"], keep="last")
    return frame[[*UNIT, "rater_id", "label"]].astype({"rater_id": str})


def _unit_value_counts(frame: pd.DataFrame) -> np.ndarray:
    table = frame.groupby([*UNIT, "label"], observed=True).size().unstack("label", fill_value=0)
    return table.reindex(columns=sorted(table.columns), fill_value=0).to_numpy()


def pairwise_cohen_kappa(judgments: pd.DataFrame, *, labels=None) -> pd.DataFrame:
    """Quadratic-weighted Cohen's kappa per rater pair over the units both labelled.

    Columns: rater_a, rater_b, n_units, kappa (NaN with no common units or no expected disagreement).
    `labels` fixes the scale (default: every label seen in the frame).
    """
    frame = _labels(judgments)
    scale = sorted(frame["label"].unique()) if labels is None else sorted(labels)
    wide = frame.pivot(index=UNIT, columns="rater_id", values="label")
    rows = []
    for a, b in combinations(sorted(wide.columns), 2):
        both = wide[[a, b]].dropna()
        kappa = cohen_kappa_quadratic(both[a].to_numpy(), both[b].to_numpy(), labels=scale) if len(both) else np.nan
        rows.append({"rater_a": a, "rater_b": b, "n_units": len(both), "kappa": kappa})
    return pd.DataFrame(rows, columns=["rater_a", "rater_b", "n_units", "kappa"])


def fleiss_kappa(judgments: pd.DataFrame) -> float:
    """Fleiss' kappa over units with at least 2 raters (unequal rater counts: see fleiss_kappa_from_counts)."""
    return fleiss_kappa_from_counts(_unit_value_counts(_labels(judgments)))


def krippendorff_alpha(judgments: pd.DataFrame) -> float:
    """Krippendorff's alpha with the ordinal metric; raters need not label every unit."""
    return krippendorff_alpha_ordinal_from_counts(_unit_value_counts(_labels(judgments)))


def rater_bias(judgments: pd.DataFrame) -> pd.DataFrame:
    """Per rater: mean of (own label - mean label of the other raters of the same unit).

    Units nobody else labelled are left out. Columns: rater_id, n_units, bias (NaN with no shared unit);
    a positive bias means the rater grades more generously than the others.
    """
    frame = _labels(judgments)
    labels = frame["label"].astype(np.float64)
    group = frame.groupby(UNIT, observed=True)["label"]
    total = group.transform("sum").astype(np.float64)
    count = group.transform("size")
    shared = count > 1
    others = (total - labels)[shared] / (count[shared] - 1)
    diff = (labels[shared] - others).rename("diff")
    per_rater = pd.concat([frame.loc[shared, "rater_id"], diff], axis=1).groupby("rater_id")["diff"]
    out = pd.DataFrame({"n_units": per_rater.size(), "bias": per_rater.mean()})
    out = out.reindex(sorted(frame["rater_id"].unique()))
    out["n_units"] = out["n_units"].fillna(0).astype(np.int64)
    return out.rename_axis("rater_id").reset_index()


def gold_accuracy(gold: pd.DataFrame) -> pd.DataFrame:
    """Per rater on gold tasks: n_gold, accuracy (label == expected_label) and mean absolute error."""
    missing = [c for c in ("rater_id", "label", "expected_label") if c not in gold.columns]
    if missing:
        raise ValueError(f"gold frame lacks the columns {missing}; it has {list(gold.columns)}")
    if gold.empty:
        return pd.DataFrame(columns=["rater_id", "n_gold", "accuracy", "mean_abs_error"])
    frame = gold.assign(
        rater_id=gold["rater_id"].astype(str),
        correct=(gold["label"] == gold["expected_label"]).astype(np.float64),
        abs_error=(gold["label"].astype(np.float64) - gold["expected_label"].astype(np.float64)).abs(),
    )
    grouped = frame.groupby("rater_id", sort=True)
    return pd.DataFrame({
        "n_gold": grouped.size(),
        "accuracy": grouped["correct"].mean(),
        "mean_abs_error": grouped["abs_error"].mean(),
    }).reset_index()
