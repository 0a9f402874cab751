"""Merging near-duplicate values of one family: exact spelling variants, then embedding clusters.

Both kernels return {value: canonical}; the canonical of a group is its most frequent member
(ties: the alphabetically first), as PinLanding keeps the more frequent surface form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from engine.attributes.curate_keys import spelling_key


def _canonical(group: Sequence[str], support: Mapping[str, int]) -> str:
    return min(group, key=lambda v: (-support[v], v))


def merge_spellings(support: Mapping[str, int]) -> dict[str, str]:
    """Values spelled alike ("t-shirt", "t shirt", "tshirt") -> the most frequent of them."""
    groups: dict[str, list[str]] = {}
    for value in support:
        groups.setdefault(spelling_key(value) or value, []).append(value)
    return {v: _canonical(g, support) for g in groups.values() for v in g}


def cluster_labels(vectors: np.ndarray, threshold: float) -> np.ndarray:
    """Agglomerative clusters (average linkage) of L2-normalised rows cut at a cosine distance."""
    if len(vectors) < 2:
        return np.zeros(len(vectors), dtype=int)
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                    distance_threshold=threshold)
    return model.fit_predict(np.asarray(vectors, dtype=np.float64))


def merge_by_embedding(support: Mapping[str, int], encode: Callable[[list[str]], np.ndarray],
                       threshold: float) -> dict[str, str]:
    """Values whose embeddings cluster within `threshold` cosine distance -> the cluster's most frequent."""
    values = sorted(support)
    if not values:
        return {}
    labels = cluster_labels(encode(values), threshold)
    groups: dict[int, list[str]] = {}
    for value, label in zip(values, labels):
        groups.setdefault(int(label), []).append(value)
    return {v: _canonical(g, support) for g in groups.values() for v in g}
