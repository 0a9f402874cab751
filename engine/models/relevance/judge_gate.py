"""The agreement gate of the model-as-judge: which pairs the relevance model may grade on its own, what that saves
and what it costs.

Confidence is the model's calibrated max-grade probability. Calibration is temperature scaling (one parameter T,
p_k ∝ p_k^(1/T), fitted by minimising the negative log-likelihood of the human aggregate grade on human-judged
pairs of queries the model did not train on): it changes how sure the model says it is, never which grade it
gives, so the gate's agreement figures are those of the model's own argmax grade. For a threshold t the model
judges the pairs whose confidence is >= t; agreement (QWK and exact accuracy of its grade against the humans'
lower-median label) is measured on those of them that humans judged too, and is None with a reason when there
are none: a gate over a pool humans never touched has no measured cost.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from engine.models.relevance.evaluate import quadratic_weighted_kappa

DEFAULT_THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
MAX_TEMPERATURE = 20.0  # a fit this hot says the model's probabilities are close to worthless
_TEMPERATURES = np.exp(np.linspace(np.log(0.05), np.log(MAX_TEMPERATURE), 241))  # the grid the NLL is minimised over
_FLOOR = 1e-12  # probabilities are clipped here before the log


class ThresholdError(ValueError):
    """A judge threshold off [0, 1]."""


def check_threshold(value: object) -> float:
    """The threshold as a float in [0, 1], or ThresholdError naming the value and the range."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = float("nan")
    if isinstance(value, bool) or math.isnan(number):
        raise ThresholdError(f"judge threshold {value!r} is not a number; give a number in [0, 1], e.g. 0.9")
    if not (0.0 <= number <= 1.0):
        raise ThresholdError(f"judge threshold {value!r} is outside [0, 1]: it is the calibrated probability of the "
                             "model's grade above which the model judges a pair; give a number from 0 to 1, e.g. 0.9")
    return number


def temper(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """Rows of probabilities re-scaled by a temperature: softmax(log p / T)."""
    logits = np.log(np.clip(np.asarray(probabilities, np.float64), _FLOOR, 1.0)) / float(temperature)
    logits -= logits.max(axis=1, keepdims=True)
    e = np.exp(logits)
    return e / e.sum(axis=1, keepdims=True)


def negative_log_likelihood(probabilities: np.ndarray, labels: Sequence[int]) -> float:
    """Mean -log p[label] of the rows."""
    p = np.clip(np.asarray(probabilities, np.float64), _FLOOR, 1.0)
    labels = np.asarray(labels, np.int64)
    return float(-np.log(p[np.arange(len(labels)), labels]).mean())


def fit_temperature(probabilities: np.ndarray, labels: Sequence[int]) -> float:
    """The temperature on a log grid (0.05..20) with the least NLL of `labels`; 1.0 (no change) without labels."""
    labels = np.asarray(labels, np.int64)
    if len(labels) == 0:
        return 1.0
    losses = [negative_log_likelihood(temper(probabilities, t), labels) for t in _TEMPERATURES]
    return float(_TEMPERATURES[int(np.argmin(losses))])


@dataclass(frozen=True)
class Agreement:
    """The model's grade against the humans' label on pairs both judged."""

    n: int  # pairs
    qwk: float | None  # None when undefined (both sides one and the same grade)
    accuracy: float  # exact agreement


@dataclass(frozen=True)
class GateRow:
    """What threshold t does to a pool."""

    threshold: float
    model_pairs: int  # pairs at or above t: the model judges them
    human_pairs: int  # pairs below t: they stay for human raters
    judgments_saved: int  # the human judgments the pool wants of the model's pairs (pairs x overlap)
    open_judgments_saved: int  # of which not given yet (overlap less the humans who already judged the pair)
    agreement: Agreement | None  # on the model's pairs humans judged too; None: unmeasured
    unmeasured: str | None = None  # why agreement is None

    def to_dict(self) -> dict:
        out = asdict(self)
        out["agreement"] = None if self.agreement is None else asdict(self.agreement)
        return out


def agreement(model_grades: Sequence[int], human_grades: Sequence[int]) -> Agreement:
    """QWK and exact accuracy of the model's grades against the humans' (one per pair, same order)."""
    a, b = np.asarray(human_grades, np.int64), np.asarray(model_grades, np.int64)
    qwk = quadratic_weighted_kappa(a, b) if len(a) else float("nan")
    return Agreement(len(a), None if math.isnan(qwk) else float(qwk), float(np.mean(a == b)) if len(a) else 0.0)


def gate_row(threshold: float, confidence: Sequence[float], model_grade: Sequence[int],
             human_grade: Sequence[int | None], wanted: Sequence[int], human_judges: Sequence[int]) -> GateRow:
    """The kernel, one row per pair in every sequence: the model's calibrated confidence and grade, the humans'
    aggregate grade (None where no human judged the measured pair), the human judgments the pool wants of the
    pair (its overlap) and how many humans judged it so far."""
    t = check_threshold(threshold)
    confidence = np.asarray(confidence, np.float64)
    above = confidence >= t
    wanted = np.asarray(wanted, np.int64)
    judges = np.asarray(human_judges, np.int64)
    measured = [i for i in np.flatnonzero(above) if human_grade[i] is not None]
    result = agreement([int(model_grade[i]) for i in measured], [int(human_grade[i]) for i in measured]) \
        if measured else None
    reason = None
    if result is None:
        reason = ("unmeasured: no pair is at or above the threshold" if not above.any() else
                  "unmeasured: no pair at or above the threshold was judged by both the model and humans")
    return GateRow(t, int(above.sum()), int((~above).sum()), int(wanted[above].sum()),
                   int(np.maximum(wanted[above] - judges[above], 0).sum()), result, reason)


def gate_table(thresholds: Sequence[float], confidence, model_grade, human_grade, wanted, human_judges
               ) -> list[GateRow]:
    """gate_row for every threshold, in the order given."""
    return [gate_row(t, confidence, model_grade, human_grade, wanted, human_judges) for t in thresholds]
