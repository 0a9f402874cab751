"""Paired comparison of two configs over the same queries: bootstrap CI and randomisation test."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DEFAULT_RESAMPLES = 10_000
_CHUNK = 1_000  # resamples per matrix product: bounds memory at chunk x queries


@dataclass(frozen=True)
class PairedComparison:
    """Mean of per-query deltas (candidate - baseline), its bootstrap CI and a two-sided p-value."""

    mean_delta: float
    ci_low: float
    ci_high: float
    p_value: float
    n_queries: int

    def describe(self) -> str:
        """`+0.0410 [+0.0102, +0.0733] p=0.0123`."""
        if self.n_queries == 0:
            return "n/a (no common queries)"
        return f"{self.mean_delta:+.4f} [{self.ci_low:+.4f}, {self.ci_high:+.4f}] p={self.p_value:.4f}"


def _as_matrix(deltas) -> np.ndarray:
    array = np.asarray(deltas, dtype=np.float64)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2:
        raise ValueError(f"deltas must be one row of per-query deltas or a (measures x queries) matrix, got shape {array.shape}")
    if np.isnan(array).any():
        raise ValueError("deltas hold NaN; drop the queries where either config's value is undefined first")
    return array


def _check_resamples(resamples: int) -> None:
    if int(resamples) < 1:
        raise ValueError(f"resamples must be at least 1, got {resamples}")


def _rng(seed: int, stream: int) -> np.random.Generator:
    # Separate streams, so that the CI does not change when the permutation count does.
    return np.random.default_rng(np.random.SeedSequence([int(seed), stream]))


def bootstrap_means(deltas, *, resamples: int = DEFAULT_RESAMPLES, seed: int = 0) -> np.ndarray:
    """(resamples x measures) means of deltas over queries drawn with replacement; every measure
    shares the same draws, so the rows stay paired across measures."""
    matrix = _as_matrix(deltas)
    _check_resamples(resamples)
    m, n = matrix.shape
    out = np.empty((resamples, m))
    if n == 0:
        out.fill(np.nan)
        return out
    rng = _rng(seed, 0)
    for start in range(0, resamples, _CHUNK):
        size = min(_CHUNK, resamples - start)
        draws = rng.integers(0, n, size=(size, n))
        # How often each query was drawn in each resample, as a (size x n) count matrix.
        counts = np.bincount((draws + (np.arange(size) * n)[:, None]).ravel(), minlength=size * n)
        out[start:start + size] = counts.reshape(size, n) @ matrix.T / n
    return out


def bootstrap_ci(deltas, *, resamples: int = DEFAULT_RESAMPLES, confidence: float = 0.95,
                 seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval of the mean delta, one (low, high) per measure."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    means = bootstrap_means(deltas, resamples=resamples, seed=seed)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail], axis=0)
    return low, high


def randomization_p(deltas, *, resamples: int = DEFAULT_RESAMPLES, seed: int = 0) -> np.ndarray:
    """Two-sided sign-flip permutation p-value of the mean delta, (hits + 1) / (resamples + 1) per measure.

    Under the null hypothesis the two configs are exchangeable per query, so each delta's sign is a
    coin flip. A p-value never reaches 0; identical runs (all deltas 0) give exactly 1.
    """
    matrix = _as_matrix(deltas)
    _check_resamples(resamples)
    m, n = matrix.shape
    if n == 0:
        return np.full(m, np.nan)
    observed = np.abs(matrix.mean(axis=1))
    # Sums computed by a matrix product may differ from mean() in the last bits; do not count those as smaller.
    tolerance = 1e-12 * np.maximum(1.0, np.abs(matrix).max(axis=1))
    rng = _rng(seed, 1)
    hits = np.zeros(m, dtype=np.int64)
    for start in range(0, resamples, _CHUNK):
        size = min(_CHUNK, resamples - start)
        signs = rng.integers(0, 2, size=(size, n)).astype(np.float64) * 2.0 - 1.0
        permuted = np.abs(signs @ matrix.T / n)
        hits += (permuted >= observed - tolerance).sum(axis=0)
    return (hits + 1) / (resamples + 1)


def compare_paired(deltas, *, resamples: int = DEFAULT_RESAMPLES, confidence: float = 0.95,
                   seed: int = 0) -> list[PairedComparison]:
    """One PairedComparison per row of `deltas` (measures x queries), all from the same seed."""
    matrix = _as_matrix(deltas)
    m, n = matrix.shape
    if n == 0:
        return [PairedComparison(np.nan, np.nan, np.nan, np.nan, 0) for _ in range(m)]
    low, high = bootstrap_ci(matrix, resamples=resamples, confidence=confidence, seed=seed)
    p = randomization_p(matrix, resamples=resamples, seed=seed)
    mean = matrix.mean(axis=1)
    return [PairedComparison(float(mean[i]), float(low[i]), float(high[i]), float(p[i]), n) for i in range(m)]
