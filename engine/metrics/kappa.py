"""Cohen's kappa with quadratic weights: the one implementation, used by eval/agreement.py (raters against raters)
and engine/models/relevance (a model against raters)."""

from __future__ import annotations

import numpy as np


def cohen_kappa_quadratic(a, b, labels=None) -> float:
    """Cohen's kappa with quadratic weights (v_i - v_j)^2 between two raters' labels of the same units.

    Weights use the label values, so for consecutive integer scales (0..4) this equals scikit-learn's
    cohen_kappa_score(a, b, weights="quadratic"). NaN when the expected disagreement is 0.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"a and b must be 1-d label arrays of one length, got shapes {a.shape} and {b.shape}")
    if len(a) == 0:
        return float("nan")
    values = np.unique(np.concatenate([a, b])) if labels is None else np.asarray(sorted(labels), dtype=np.float64)
    ia, ib = np.searchsorted(values, a), np.searchsorted(values, b)
    if (ia >= len(values)).any() or (ib >= len(values)).any() or (values[np.minimum(ia, len(values) - 1)] != a).any() \
            or (values[np.minimum(ib, len(values) - 1)] != b).any():
        raise ValueError(f"labels outside the scale {values.tolist()}")
    c = len(values)
    observed = np.zeros((c, c))
    np.add.at(observed, (ia, ib), 1.0)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / len(a)
    weights = (values[:, None] - values[None, :]) ** 2
    disagreement_expected = (weights * expected).sum()
    if disagreement_expected == 0:
        return float("nan")
    return float(1.0 - (weights * observed).sum() / disagreement_expected)
