"""The student: a one-hidden-layer MLP over the cheap match features (features.py), trained (torch) on soft
labels (the raters' label shares on judged pairs, the teacher's on pseudo-labelled ones; train.py) and run in
NumPy, so scoring 100 candidates costs about a millisecond once the items' texts have been read."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.models.relevance.examples import GRADES


@dataclass(frozen=True)
class StudentSettings:
    hidden: int = 32  # width of the hidden layer
    epochs: int = 300  # full-batch Adam steps
    lr: float = 3e-3
    weight_decay: float = 1e-3
    seed: int = 0


@dataclass
class Student:
    """Standardisation, then relu(x W1 + b1) W2 + b2 -> softmax over grades 0..4."""

    mean: np.ndarray  # (F,)
    scale: np.ndarray  # (F,)
    w1: np.ndarray  # (F, H)
    b1: np.ndarray  # (H,)
    w2: np.ndarray  # (H, GRADES)
    b2: np.ndarray  # (GRADES,)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        x = (np.asarray(features, np.float32) - self.mean) / self.scale
        logits = np.maximum(x @ self.w1 + self.b1, 0.0) @ self.w2 + self.b2
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def expected_grade(self, features: np.ndarray) -> np.ndarray:
        """sum_k p_k * k, in 0..4."""
        return self.probabilities(features) @ np.arange(GRADES, dtype=np.float32)

    def state(self) -> dict[str, np.ndarray]:
        return {k: np.ascontiguousarray(getattr(self, k), np.float32)
                for k in ("mean", "scale", "w1", "b1", "w2", "b2")}

    @classmethod
    def from_state(cls, state: dict) -> Student:
        return cls(**{k: np.asarray(state[k], np.float32) for k in ("mean", "scale", "w1", "b1", "w2", "b2")})


def train_student(features: np.ndarray, targets: np.ndarray, settings: StudentSettings = StudentSettings(),
                  weights: np.ndarray | None = None) -> Student:
    """Fit to soft targets (rows of class probabilities) by cross-entropy, each row weighted (default 1);
    deterministic for a seed."""
    import torch

    x = np.asarray(features, np.float32)
    y = np.asarray(targets, np.float32)
    if x.ndim != 2 or y.shape != (len(x), GRADES) or len(x) == 0:
        raise ValueError(f"need (n, F) features and (n, {GRADES}) targets with n > 0, got {x.shape} and {y.shape}")
    w = np.ones(len(x), np.float32) if weights is None else np.asarray(weights, np.float32)
    if w.shape != (len(x),) or np.any(w < 0) or not w.sum() > 0:
        raise ValueError(f"need one non-negative weight per row, not all 0, got shape {w.shape}")
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a net this small runs 50x faster on one thread than spin-waiting on shared cores
    try:
        return _fit(x, y, w / w.mean(), mean, scale, settings)
    finally:
        torch.set_num_threads(threads)


def _fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, mean: np.ndarray, scale: np.ndarray,
         settings: StudentSettings) -> Student:
    import torch

    torch.manual_seed(settings.seed)
    net = torch.nn.Sequential(torch.nn.Linear(x.shape[1], settings.hidden), torch.nn.ReLU(),
                              torch.nn.Linear(settings.hidden, GRADES))
    opt = torch.optim.Adam(net.parameters(), lr=settings.lr, weight_decay=settings.weight_decay)
    xt, yt, wt = torch.from_numpy((x - mean) / scale), torch.from_numpy(y), torch.from_numpy(w)
    for _ in range(settings.epochs):
        opt.zero_grad()
        loss = -(wt * (yt * torch.log_softmax(net(xt), dim=1)).sum(dim=1)).mean()
        loss.backward()
        opt.step()
    first, second = net[0], net[2]
    return Student(mean, scale, first.weight.detach().numpy().T.copy(), first.bias.detach().numpy().copy(),
                   second.weight.detach().numpy().T.copy(), second.bias.detach().numpy().copy())
