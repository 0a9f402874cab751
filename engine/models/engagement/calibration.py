"""Calibration of predicted engagement: a reliability table, its expected calibration error, and a plot.

Predictions are P(engaged | examined), so the observed rate of a bin is IPW-corrected: the mean of
engaged / propensity(position) over the bin's impressions (unbiased for the examined rate; it can exceed 1
in a small bin). Bins are equal-width on 0..1; empty bins are left out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class ReliabilityBin:
    low: float
    high: float
    count: int
    mean_predicted: float
    observed: float  # mean IPW-corrected engagement of the bin

    def to_dict(self) -> dict:
        return asdict(self)


def reliability_table(predicted: np.ndarray, targets: np.ndarray, bins: int = 10) -> list[ReliabilityBin]:
    """One bin per non-empty 1/bins-wide slice of predicted; targets are engaged * IPW weight (or engaged)."""
    predicted = np.asarray(predicted, np.float64)
    targets = np.asarray(targets, np.float64)
    if len(predicted) != len(targets):
        raise ValueError(f"{len(predicted)} predictions but {len(targets)} targets; expected one target each")
    if bins < 1:
        raise ValueError(f"bins = {bins}; expected at least 1")
    if len(predicted) and (predicted.min() < 0 or predicted.max() > 1):
        raise ValueError("predictions must be probabilities in 0..1")
    index = np.minimum((predicted * bins).astype(np.int64), bins - 1)
    out = []
    for b in range(bins):
        mask = index == b
        if mask.any():
            out.append(ReliabilityBin(b / bins, (b + 1) / bins, int(mask.sum()), float(predicted[mask].mean()),
                                      float(targets[mask].mean())))
    return out


def expected_calibration_error(table: list[ReliabilityBin]) -> float:
    """sum over bins of count / total * |mean predicted - observed|."""
    total = sum(b.count for b in table)
    if total == 0:
        raise ValueError("the reliability table is empty; ECE needs at least one prediction")
    return float(sum(b.count / total * abs(b.mean_predicted - b.observed) for b in table))


def reliability_plot(table: list[ReliabilityBin], title: str = "engagement model reliability"):
    """A plotly figure: observed (IPW-corrected) against mean predicted per bin, with the diagonal."""
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfect", line={"dash": "dash"}))
    fig.add_trace(go.Scatter(x=[b.mean_predicted for b in table], y=[b.observed for b in table],
                             mode="lines+markers", name="model", text=[f"n={b.count}" for b in table]))
    fig.update_layout(title=title, xaxis_title="mean predicted P(engaged | examined)",
                      yaxis_title="observed rate (IPW-corrected)")
    return fig


def reliability_of_checkpoint(path) -> list[ReliabilityBin]:
    """The held-out reliability table stored with an engagement checkpoint ([] for one saved without it)."""
    import json
    from pathlib import Path

    meta = json.loads(Path(path).read_text())
    return [ReliabilityBin(**b) for b in meta.get("reliability", [])]
