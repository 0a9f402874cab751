"""Quality of an image-text model on held-out items: zero-shot attribute accuracy and Recall@10, in the families
of the workspace's vocabulary (its product type and the families visible in images)."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

import numpy as np

from engine.models.zero_shot import text_to_image_recall, zero_shot_accuracy
from engine.vocabulary import Vocabulary


def zero_shot_families(vocab: Vocabulary) -> tuple[str, ...]:
    """The product type, then the other visible families: what a photo shows."""
    if vocab.product_type is None:
        return ()
    return (vocab.product_type, *(f for f in vocab.visible_families if f != vocab.product_type))


def family_values(vocab: Vocabulary) -> dict[str, list[str]]:
    """Every value of each zero-shot family, in vocabulary order."""
    values = vocab.values()
    return {f: values[f] for f in zero_shot_families(vocab)}


def query_pairs(vocab: Vocabulary) -> tuple[tuple[str, str], ...]:
    """Family pairs of the two-attribute queries: each visible family with the product type ("red dress"), and
    the first two visible families together ("red floral")."""
    families = zero_shot_families(vocab)
    if not families:
        return ()
    noun, visible = families[0], families[1:]
    return (*((f, noun) for f in visible), *((visible[:2],) if len(visible) >= 2 else ()))


def word_order(vocab: Vocabulary) -> tuple[str, ...]:
    """How a query's values are written: the other families in vocabulary order, the product type last."""
    return (*(f for f in vocab.family_names if f != vocab.product_type),
            *((vocab.product_type,) if vocab.product_type else ()))


def two_attribute_queries(truth: Sequence[Mapping[str, str]], vocab: Vocabulary, *, limit: int,
                          seed: int) -> list[dict[str, str]]:
    """Distinct two-attribute queries ("red floral dress" style: color+product type, ...) from the items."""
    seen: dict[tuple, dict[str, str]] = {}
    for t in truth:
        for fams in query_pairs(vocab):
            if all(t.get(f) for f in fams):
                q = {f: t[f] for f in fams}
                seen.setdefault(tuple(sorted(q.items())), q)
    queries = list(seen.values())
    random.Random(seed).shuffle(queries)
    return queries[:limit]


def sample_model_quality(image_vecs: np.ndarray, truth: Sequence[Mapping[str, str]], encode_texts,
                         vocab: Vocabulary, *, queries: int = 200, seed: int = 0) -> dict[str, float]:
    """zero_shot_<family> accuracies and text_to_image_recall@10, over the given (held-out) items; {} when the
    vocabulary names no product type (prompts need the noun)."""
    values = family_values(vocab)
    if not values:
        return {}
    metrics = {}
    for family, names in values.items():
        if any(t.get(family) for t in truth):
            metrics[f"zero_shot_{family}"] = zero_shot_accuracy(image_vecs, truth, family, names, encode_texts,
                                                                product_type=vocab.product_type)
    qs = two_attribute_queries(truth, vocab, limit=queries, seed=seed)
    if qs:
        metrics["text_to_image_recall@10"] = text_to_image_recall(image_vecs, truth, qs, encode_texts, k=10,
                                                                  word_order=word_order(vocab))
    metrics["items"] = float(len(truth))
    metrics["queries"] = float(len(qs))
    return metrics


def knn_purity(vecs: np.ndarray, labels: Sequence[str | None], *, k: int = 10) -> float:
    """Mean share of each labelled item's k nearest other items (cosine) with its label; nan without labels."""
    labels = np.asarray([str(x) if x else "" for x in labels])
    rows = np.flatnonzero(labels != "")
    if len(rows) <= k:
        return float("nan")
    v = vecs[rows] / np.linalg.norm(vecs[rows], axis=1, keepdims=True)
    sims = v @ v.T
    np.fill_diagonal(sims, -np.inf)
    nearest = np.argpartition(-sims, k, axis=1)[:, :k]
    return float((labels[rows][nearest] == labels[rows][:, None]).mean())
