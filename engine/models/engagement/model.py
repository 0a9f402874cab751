"""The engagement model: logistic regression of P(engaged | query, item, examined) over search-time features.

Fitted by Newton's method on the IPW log loss: each impression's target is engaged / propensity(position)
(clipped), so the fitted rate is the rate of an examined result rather than of a result at the position the
logging ranker put it. The loss -t log s - (1 - t) log(1 - s) stays convex in the logit for any t >= 0 (its
second derivative is s (1 - s)), so Newton converges; the unweighted fit (t = engaged) is the no-IPW model.
Features are standardised with the training means and deviations, which the model keeps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class EngagementModel:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def predict(self, x: np.ndarray) -> np.ndarray:
        """P(engaged | examined) per row of the raw feature matrix (columns in `features` order)."""
        x = np.asarray(x, np.float64)
        if x.ndim != 2 or x.shape[1] != len(self.features):
            raise ValueError(f"feature matrix of shape {x.shape}; expected (n, {len(self.features)}) with columns "
                             f"{list(self.features)}")
        z = (x - np.array(self.mean)) / np.array(self.scale)
        return sigmoid(z @ np.array(self.coef) + self.intercept)

    def to_dict(self) -> dict:
        return {"features": list(self.features), "mean": list(self.mean), "scale": list(self.scale),
                "coef": list(self.coef), "intercept": self.intercept}

    @classmethod
    def from_dict(cls, data: dict) -> EngagementModel:
        return cls(tuple(data["features"]), tuple(map(float, data["mean"])), tuple(map(float, data["scale"])),
                   tuple(map(float, data["coef"])), float(data["intercept"]))


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, np.float64)))


def fit_logistic(x: np.ndarray, targets: np.ndarray, l2: float = 1e-3, iterations: int = 50,
                 tol: float = 1e-9) -> tuple[np.ndarray, float]:
    """(coef, intercept) minimising mean(-t log s - (1 - t) log(1 - s)) + l2/2 |coef|^2, s = sigmoid(x coef + b).

    Targets may exceed 1 (IPW-corrected engagements); the intercept is not penalised.
    """
    x = np.asarray(x, np.float64)
    t = np.asarray(targets, np.float64)
    if x.ndim != 2 or len(x) != len(t) or len(t) == 0:
        raise ValueError(f"x of shape {x.shape} and {len(t)} targets; expected (n, d) and n targets, n > 0")
    if (t < 0).any():
        raise ValueError("targets must be >= 0")
    n, d = x.shape
    a = np.hstack([x, np.ones((n, 1))])
    penalty = np.full(d + 1, l2)
    penalty[-1] = 0.0
    mean_t = min(max(t.mean(), 1e-6), 1 - 1e-6)
    w = np.zeros(d + 1)
    w[-1] = np.log(mean_t / (1 - mean_t))
    for _ in range(iterations):
        s = sigmoid(a @ w)
        grad = a.T @ (s - t) / n + penalty * w
        hess = (a * (s * (1 - s))[:, None]).T @ a / n + np.diag(penalty) + 1e-10 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < tol:
            break
    return w[:-1], float(w[-1])


def train_model(x: np.ndarray, targets: np.ndarray, features: tuple[str, ...], l2: float = 1e-3) -> EngagementModel:
    """Standardise the columns (constant ones get scale 1), fit, and keep the standardisation."""
    x = np.asarray(x, np.float64)
    if x.shape[1] != len(features):
        raise ValueError(f"{x.shape[1]} feature columns but {len(features)} names {list(features)}")
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale = np.where(scale > 1e-12, scale, 1.0)
    coef, intercept = fit_logistic((x - mean) / scale, targets, l2)
    return EngagementModel(tuple(features), tuple(mean.tolist()), tuple(scale.tolist()), tuple(coef.tolist()),
                           intercept)
