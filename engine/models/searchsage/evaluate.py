"""The seed's measure: Recall@k of the engaged item among a random corpus plus every held-out positive."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def recall_at_k(queries: np.ndarray, corpus: np.ndarray, positives: Sequence[int], k: int = 10) -> float:
    """Share of queries whose positive corpus row is among the k best by dot product (ties count against it)."""
    queries, corpus = np.asarray(queries, np.float32), np.asarray(corpus, np.float32)
    positives = np.asarray(positives, np.int64)
    if len(queries) != len(positives):
        raise ValueError(f"{len(queries)} queries but {len(positives)} positives; give one positive per query")
    if len(queries) == 0:
        raise ValueError("no queries to measure Recall@k on")
    scores = queries @ corpus.T
    own = scores[np.arange(len(queries)), positives]
    better = (scores >= own[:, None]).sum(axis=1) - 1  # others at least as good as the positive
    return float(np.mean(better < k))


def eval_corpus(n_items: int, positives: Sequence[int], size: int, seed: int) -> np.ndarray:
    """Catalog rows of the corpus: `size` random items plus every positive, sorted."""
    rng = np.random.default_rng(seed)
    chosen = rng.choice(n_items, size=min(size, n_items), replace=False)
    return np.union1d(chosen, np.asarray(positives, np.int64))


def corpus_recall(query_vectors: np.ndarray, item_vectors: np.ndarray, positive_rows: Sequence[int],
                  corpus_rows: np.ndarray, k: int = 10) -> float:
    """Recall@k with queries against the corpus rows of a catalog's item matrix."""
    where = {int(r): n for n, r in enumerate(corpus_rows)}
    return recall_at_k(query_vectors, item_vectors[corpus_rows], [where[int(r)] for r in positive_rows], k)
