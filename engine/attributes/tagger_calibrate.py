"""Per-attribute thresholds at a target precision, smoothed toward family and global thresholds by support.

A contrastive tagger scores rare attributes lower than frequent ones (long-tail smoothing), so one
global threshold starves the tail. Each attribute gets its own threshold, fitted on held-out items to
the target precision; an attribute with few held-out positives cannot fit one reliably, so its
threshold is blended with its family's pooled threshold (or the global one) by n / (n + k).
Confidences are sigmoid(logit(target) + slope * (score - threshold)): the target precision at the
threshold, with one slope fitted on the held-out items by log loss.

Only each item's `max_per_family` best values of a family are candidates for assignment (an item has
one colour, one category, ...), so thresholds are fitted on those candidate entries alone: a threshold
then decides whether the family's best guess is sure enough, which is the decision assignment makes.

Extraction misses attributes: an item with no colour positive at all is not evidence that it is not
red. `observed` (default: every entry) limits the counting to entries whose label is known; tagger_run
passes "the item has some positive in this attribute's family" (see family_observed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

NEVER = 1.0 + 1e-6  # a cosine threshold no score reaches


def threshold_for_precision(scores: np.ndarray, labels: np.ndarray, target: float) -> float | None:
    """The lowest threshold t whose assignments {score >= t} have precision >= target (max recall); None if none.

    Cuts are only placed between distinct scores, so tied scores are assigned together.
    """
    scores = np.asarray(scores, dtype=np.float64).ravel()
    labels = np.asarray(labels, dtype=bool).ravel()
    if scores.shape != labels.shape:
        raise ValueError(f"scores ({scores.shape}) and labels ({labels.shape}) must have the same shape")
    if not labels.any():
        return None
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], labels[order]
    tp = np.cumsum(y)
    n = np.arange(1, len(s) + 1)
    last_of_tie = np.r_[s[1:] != s[:-1], True]
    ok = last_of_tie & (tp / n >= target - 1e-12)
    if not ok.any():
        return None
    return float(s[np.nonzero(ok)[0][-1]])


def fit_slope(margins: np.ndarray, labels: np.ndarray, target: float,
              grid: np.ndarray | None = None) -> float:
    """The slope a minimising the log loss of sigmoid(logit(target) + a * margin) against labels (grid search)."""
    margins = np.asarray(margins, dtype=np.float64).ravel()
    labels = np.asarray(labels, dtype=np.float64).ravel()
    if len(margins) == 0:
        return 10.0
    grid = np.geomspace(0.5, 500, 80) if grid is None else grid
    offset = np.log(target / (1 - target))
    z = offset + grid[:, None] * margins[None, :]
    # log loss of sigmoid(z): log(1 + exp(-z)) for positives, log(1 + exp(z)) for negatives
    loss = np.where(labels[None, :] > 0, np.logaddexp(0, -z), np.logaddexp(0, z)).mean(axis=1)
    return float(grid[int(np.argmin(loss))])


@dataclass(frozen=True)
class Calibration:
    """Thresholds of one tagger, index-aligned with its attribute list."""

    target_precision: float
    thresholds: list[float]  # the blended thresholds assignment uses
    own: list[float | None]  # each attribute's own fitted threshold (None: no held-out positives or unreachable)
    support: list[int]  # held-out positives of each attribute
    family_thresholds: dict[str, float | None]  # pooled over a family's attributes
    global_threshold: float | None  # pooled over every attribute
    slope: float  # confidence = sigmoid(logit(target) + slope * (score - threshold))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Calibration:
        return cls(**data)

    def confidence(self, scores: np.ndarray) -> np.ndarray:
        """Probability-like confidences (items x attributes) in 0..1."""
        offset = np.log(self.target_precision / (1 - self.target_precision))
        z = offset + self.slope * (np.asarray(scores, dtype=np.float64) - np.asarray(self.thresholds))
        return 1 / (1 + np.exp(-z))


def top_per_family(scores: np.ndarray, families: Sequence[str], k: int = 1) -> np.ndarray:
    """(items x attributes) bool: column j is among the item's k best-scored values of its family (ties by column)."""
    scores = np.asarray(scores)
    out = np.zeros(scores.shape, dtype=bool)
    rows = np.arange(len(scores))[:, None]
    for family in dict.fromkeys(families):
        cols = np.array([j for j, f in enumerate(families) if f == family])
        best = np.argsort(-scores[:, cols], axis=1, kind="stable")[:, :k]
        out[rows, cols[best]] = True
    return out


def family_observed(labels: np.ndarray, families: Sequence[str]) -> np.ndarray:
    """(items x attributes) bool: the item has at least one positive in column j's family."""
    labels = np.asarray(labels, dtype=bool)
    out = np.zeros_like(labels)
    for family in dict.fromkeys(families):
        cols = [j for j, f in enumerate(families) if f == family]
        out[:, cols] = labels[:, cols].any(axis=1, keepdims=True)
    return out


def calibrate(scores: np.ndarray, labels: np.ndarray, families: Sequence[str], *, target: float = 0.8,
              smoothing_support: float = 20.0, observed: np.ndarray | None = None,
              candidates: np.ndarray | None = None) -> Calibration:
    """Fit thresholds on held-out scores and labels (items x attributes); `families[j]` is column j's family.

    Only entries where `observed` is True count (default: all), and of those only the `candidates`
    (default: all; tagger_run passes top_per_family, the entries assignment can choose).
    """
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels, dtype=bool)
    if scores.shape != labels.shape or scores.ndim != 2 or scores.shape[1] != len(families):
        raise ValueError(f"calibration needs scores and labels of one shape (items x {len(families)} attributes), "
                         f"got {scores.shape} and {labels.shape}")
    observed = np.ones_like(labels) if observed is None else np.asarray(observed, dtype=bool)
    if observed.shape != labels.shape:
        raise ValueError(f"observed must have the shape of labels {labels.shape}, got {observed.shape}")
    if candidates is not None:
        candidates = np.asarray(candidates, dtype=bool)
        if candidates.shape != labels.shape:
            raise ValueError(f"candidates must have the shape of labels {labels.shape}, got {candidates.shape}")
        observed = observed & candidates
    if not 0 < target < 1:
        raise ValueError(f"target precision must lie in (0, 1), got {target}")
    if len(scores) == 0:
        raise ValueError("no held-out items to calibrate on; the catalog is too small (the tagger holds out "
                         "a share of items by a hash of item_id): add items or raise held_out_percent")
    global_t = threshold_for_precision(scores[observed], labels[observed], target)
    family_t: dict[str, float | None] = {}
    for family in dict.fromkeys(families):
        cols = [j for j, f in enumerate(families) if f == family]
        seen = observed[:, cols]
        family_t[family] = threshold_for_precision(scores[:, cols][seen], labels[:, cols][seen], target)
    thresholds, own, support = [], [], []
    for j, family in enumerate(families):
        seen = observed[:, j]
        n = int(labels[seen, j].sum())
        mine = threshold_for_precision(scores[seen, j], labels[seen, j], target)
        fallback = next((t for t in (family_t[family], global_t) if t is not None), NEVER)
        weight = n / (n + smoothing_support) if n + smoothing_support > 0 else 0.0
        # unreachable with positives: trust "never" as much as the support says
        mine_or_never = mine if mine is not None else (NEVER if n else fallback)
        blend = weight * mine_or_never + (1 - weight) * fallback
        # a weighted mean lies between its parts: keep float rounding from pushing it past both (when they are
        # equal, past the very held-out score that set them, which assignment would then reject)
        thresholds.append(float(min(max(blend, min(mine_or_never, fallback)), max(mine_or_never, fallback))))
        own.append(mine)
        support.append(n)
    margins = scores - np.asarray(thresholds)
    slope = fit_slope(margins[observed], labels[observed], target)
    return Calibration(target, thresholds, own, support, family_t, global_t, slope)
