"""Holm–Bonferroni step-down correction of a family of p-values (controls the family-wise error rate)."""

from __future__ import annotations

import numpy as np

HOLM = "Holm–Bonferroni"  # the correction's name, as the app and the CLI print it
DEFAULT_ALPHA = 0.05  # family-wise error rate under which a corrected delta is marked significant


def _holm_kernel(p: np.ndarray) -> np.ndarray:
    """Adjusted p-values of finite p in [0, 1]: max over the smaller ones of (m - rank) * p, capped at 1."""
    m = len(p)
    order = np.argsort(p, kind="stable")
    scaled = (m - np.arange(m)) * p[order]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(np.maximum.accumulate(scaled), 1.0)
    return adjusted


def holm_adjust(p_values) -> np.ndarray:
    """Holm-adjusted p-values, in the input's order; NaN (an undefined comparison) stays NaN and is not counted."""
    p = np.asarray(p_values, dtype=np.float64)
    if p.ndim != 1:
        raise ValueError(f"p_values must be one flat sequence, got shape {p.shape}")
    defined = ~np.isnan(p)
    if ((p[defined] < 0) | (p[defined] > 1)).any():
        raise ValueError(f"p-values must lie in [0, 1], got {p[defined][(p[defined] < 0) | (p[defined] > 1)].tolist()}")
    out = np.full(len(p), np.nan)
    out[defined] = _holm_kernel(p[defined])
    return out


def holm_reject(p_values, alpha: float = DEFAULT_ALPHA) -> np.ndarray:
    """Which hypotheses Holm's procedure rejects at family-wise level alpha (NaN: never)."""
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, e.g. 0.05; got {alpha!r}")
    adjusted = holm_adjust(p_values)
    return np.where(np.isnan(adjusted), False, adjusted <= alpha)
