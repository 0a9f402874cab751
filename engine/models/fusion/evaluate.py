"""Held-out quality of composed queries: early fusion vs late fusion vs the reference image alone.

Each held-out (reference, text) is searched against every item's image vector (the reference left out).
p@10 is the share of the top 10 that are valid targets (pivot: same product type, the target value, the other
kept families unchanged; descriptor: same product type and the same value of the named family), hit@10 whether
any valid target is in the top 10, exact@10 whether the mined target itself is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from engine.models.fusion.triplets import Triplet, mining_plan, pivot_key
from engine.vocabulary import Vocabulary

METHODS = ("early_fusion", "late_fusion", "image_only")
K = 10


class TargetIndex:
    """Valid targets of a triplet, looked up by group instead of a scan (triplets.valid_*_targets is the oracle)."""

    def __init__(self, attributes: Mapping[str, Mapping[str, str]], vocab: Vocabulary):
        self.attributes = attributes
        self.plan = plan = mining_plan(vocab)
        noun = plan.product_type
        self.groups: dict[tuple, set[str]] = defaultdict(set)
        for item_id, attrs in attributes.items():
            for family in plan.pivot_families:
                key = pivot_key(plan, attrs, family)
                if key is not None:
                    self.groups[("pivot", key, attrs[family])].add(item_id)
            for family in plan.descriptor_families:
                if attrs.get(noun) and attrs.get(family):
                    self.groups[("descriptor", family, attrs[noun], attrs[family])].add(item_id)

    def valid(self, triplet: Triplet) -> set[str]:
        ref = self.attributes[triplet.reference]
        if triplet.kind == "pivot":
            key = ("pivot", pivot_key(self.plan, ref, triplet.family), triplet.value)
        else:
            key = ("descriptor", triplet.family, ref.get(self.plan.product_type), ref.get(triplet.family))
        return self.groups.get(key, set()) - {triplet.reference}


def late_fusion(image: np.ndarray, text: np.ndarray, alpha: float = 0.5) -> np.ndarray:
    mixed = alpha * image + (1.0 - alpha) * text
    return mixed / np.linalg.norm(mixed, axis=-1, keepdims=True)


def top_k(queries: np.ndarray, vectors: np.ndarray, exclude: np.ndarray, k: int = K) -> np.ndarray:
    """Row indices of the k best items per query by dot product, best first, each query's `exclude` row left out."""
    scores = queries @ vectors.T
    scores[np.arange(len(queries)), exclude] = -np.inf
    k = min(k, vectors.shape[0] - 1)
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def ranking_metrics(ranked_ids: Sequence[Sequence[str]], valid: Sequence[set[str]],
                    exact: Sequence[str]) -> dict[str, float]:
    """Mean p@10, hit@10 and exact@10 over queries (pure: ids in, numbers out)."""
    p = [sum(i in v for i in r) / K for r, v in zip(ranked_ids, valid)]
    hit = [float(any(i in v for i in r)) for r, v in zip(ranked_ids, valid)]
    ex = [float(e in r) for r, e in zip(ranked_ids, exact)]
    return {"p@10": float(np.mean(p)), "hit@10": float(np.mean(hit)), "exact@10": float(np.mean(ex))}


def held_out_metrics(model, triplets: Sequence[Triplet], catalog, text_vectors: Mapping[str, np.ndarray],
                     vocab: Vocabulary) -> dict:
    """{"pivot.early_fusion.p@10": ..., ...} for every kind x method x measure, plus query counts."""
    from engine.models.fusion.model import compose

    row = {item_id: i for i, item_id in enumerate(catalog.ids)}
    index = TargetIndex(catalog.attributes, vocab)
    metrics: dict = {}
    for kind in ("pivot", "descriptor"):
        chosen = [t for t in triplets if t.kind == kind]
        if not chosen:
            continue
        refs = np.array([row[t.reference] for t in chosen])
        image = catalog.vectors[refs]
        text = np.stack([text_vectors[t.text] for t in chosen]).astype(np.float32)
        queries = {"early_fusion": compose(model, image, text), "late_fusion": late_fusion(image, text),
                   "image_only": image}
        valid = [index.valid(t) for t in chosen]
        for method in METHODS:
            ranked = [[catalog.ids[j] for j in r] for r in top_k(queries[method], catalog.vectors, refs)]
            for name, value in ranking_metrics(ranked, valid, [t.target for t in chosen]).items():
                metrics[f"{kind}.{method}.{name}"] = round(value, 4)
        metrics[f"{kind}.queries"] = len(chosen)
    return metrics
