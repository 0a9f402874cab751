"""Position propensities P(examined | position) from a search log, by adjacent-swap ratios, and IPW weights.

The log follows the position-based model: an impression is engaged when it is examined (probability
theta[position]) and the item suits its query (gamma[query, item]), independently. Where the logging ranker
shows the same (query, item) pair at neighbouring positions k and k + 1 (its noise and neighbour swaps are
the randomisation), the pair's engagement rates there are theta_k gamma and theta_{k+1} gamma, so

    theta_{k+1} / theta_k = sum_pairs w rate(pair, k + 1) / sum_pairs w rate(pair, k)
    with w = n_k n_{k+1} / (n_k + n_{k+1})

over the pairs seen at both (the weight is the harmonic balance of their counts, as in intervention harvesting,
Agarwal et al., WSDM 2019); chaining the ratios gives theta relative to position 1 (theta[0] = 1). Only pairs
seen at both positions count, so an item's relevance never masquerades as position bias.

(The EM of Wang et al. 2018 with a free gamma per pair was tried first: on the sample log, where most pairs are
seen once or twice, it put every position near 1 - 1.00, 0.99, ..., 0.75 against the simulator's 1, 0.62, ...,
0.20 - because a pair seen once can explain its engagement with its own gamma.)
"""

from __future__ import annotations

import numpy as np

DEFAULT_MAX_WEIGHT = 10.0


class PropensityError(ValueError):
    """A log from which position propensities cannot be estimated."""


def estimate_propensities(positions: np.ndarray, engaged: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """theta[k - 1] / theta[0] for positions 1..max(positions), from (position, engaged, pair id) per impression.

    positions: 1-based ints; engaged: 0/1; pairs: any hashable id per (query, item) pair.
    """
    positions = np.asarray(positions)
    engaged = np.asarray(engaged, np.float64)
    pairs = np.asarray(pairs)
    n = len(positions)
    if not (len(engaged) == len(pairs) == n) or n == 0:
        raise ValueError(f"positions, engaged and pairs must be equally long and non-empty; got lengths "
                         f"{len(positions)}, {len(engaged)}, {len(pairs)}")
    if positions.min() < 1:
        raise ValueError(f"positions are 1-based; got a position {int(positions.min())}")
    if not np.isin(engaged, (0.0, 1.0)).all():
        raise ValueError("engaged must hold only 0 and 1")
    k = positions.astype(np.int64) - 1
    n_pos = int(k.max()) + 1
    _, p = np.unique(pairs, return_inverse=True)
    cell = p.reshape(-1) * n_pos + k
    size = (int(p.max()) + 1) * n_pos
    shown = np.bincount(cell, minlength=size).reshape(-1, n_pos).astype(np.float64)
    hits = np.bincount(cell, engaged, minlength=size).reshape(-1, n_pos)
    rate = np.divide(hits, shown, out=np.zeros_like(hits), where=shown > 0)
    theta = np.ones(n_pos)
    for j in range(n_pos - 1):
        both = (shown[:, j] > 0) & (shown[:, j + 1] > 0)
        a, b = shown[both, j], shown[both, j + 1]
        w = a * b / (a + b)
        upper, lower = float((w * rate[both, j]).sum()), float((w * rate[both, j + 1]).sum())
        if upper <= 0 or lower <= 0:
            raise PropensityError(f"no engaged impression among the {int(both.sum())} (query, item) pairs shown at "
                                  f"both positions {j + 1} and {j + 2}; propensities need a log where the same pair "
                                  "appears at neighbouring positions and is engaged with (a longer log)")
        theta[j + 1] = theta[j] * lower / upper
    return theta


def ipw_weights(positions: np.ndarray, propensities: np.ndarray, max_weight: float = DEFAULT_MAX_WEIGHT) -> np.ndarray:
    """1 / propensity[position - 1], clipped at max_weight (a rarely examined position must not dominate)."""
    if max_weight < 1.0:
        raise ValueError(f"max_weight = {max_weight}; expected at least 1 (a weight below 1 would down-weight "
                         "the top position)")
    propensities = np.asarray(propensities, np.float64)
    if (propensities <= 0).any():
        raise ValueError(f"propensities must be > 0; got {propensities.tolist()}")
    positions = np.asarray(positions, np.int64)
    if len(positions) and (positions.min() < 1 or positions.max() > len(propensities)):
        raise ValueError(f"positions must be 1..{len(propensities)} (the estimated ones); got "
                         f"{int(positions.min())}..{int(positions.max())}")
    return np.minimum(1.0 / propensities[positions - 1], max_weight)
