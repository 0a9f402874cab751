"""Semi-supervised expansion: keep the teacher's confident predictions on unjudged pairs as extra examples."""

from __future__ import annotations

import numpy as np


def confident_labels(probabilities, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """(kept row indices, their argmax grades) for rows whose max class probability is >= threshold.

    The threshold is inclusive: a row whose max probability equals it is kept. Ties between classes take
    the lowest grade (np.argmax), so a tie never raises a grade.
    """
    p = np.asarray(probabilities, np.float64)
    if p.ndim != 2 or p.shape[1] < 2:
        raise ValueError(f"probabilities must be an (n, classes) array with classes >= 2, got shape {p.shape}")
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"the pseudo-label threshold is a probability in [0, 1], got {threshold!r}")
    if len(p) and (np.any(p < -1e-6) or not np.allclose(p.sum(axis=1), 1.0, atol=1e-4)):
        raise ValueError("each row of probabilities must be non-negative and sum to 1 (apply softmax first)")
    kept = np.flatnonzero(p.max(axis=1) >= threshold) if len(p) else np.zeros(0, np.int64)
    return kept, p[kept].argmax(axis=1) if len(kept) else np.zeros(0, np.int64)


def unjudged_pairs(candidates, judged) -> list[tuple[str, str]]:
    """Candidate (query_id, item_id) pairs not among the judged ones, deduplicated, in first-seen order."""
    judged = set(judged)
    return [pair for pair in dict.fromkeys(candidates) if pair not in judged]
