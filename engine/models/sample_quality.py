"""Quality of an image-text model on held-out sample items: zero-shot attribute accuracy and Recall@10."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

import numpy as np

from engine.models.zero_shot import text_to_image_recall, zero_shot_accuracy

ZERO_SHOT_FAMILIES = ("category", "color", "pattern", "material")
TWO_ATTRIBUTE_FAMILIES = (("color", "category"), ("pattern", "category"), ("material", "category"),
                          ("color", "pattern"))


def family_values() -> dict[str, list[str]]:
    """Every value of each attribute family, from the sample vocabulary."""
    from sample_data.vocabulary import load_vocabulary

    vocab = load_vocabulary()
    return {f: list(vocab.family(f).names) for f in ZERO_SHOT_FAMILIES}


def two_attribute_queries(truth: Sequence[Mapping[str, str]], *, limit: int, seed: int) -> list[dict[str, str]]:
    """Distinct two-attribute queries ("red floral dress" style: color+category, pattern+category...) from the items."""
    seen: dict[tuple, dict[str, str]] = {}
    for t in truth:
        for fams in TWO_ATTRIBUTE_FAMILIES:
            if all(t.get(f) for f in fams):
                q = {f: t[f] for f in fams}
                seen.setdefault(tuple(sorted(q.items())), q)
    queries = list(seen.values())
    random.Random(seed).shuffle(queries)
    return queries[:limit]


def sample_model_quality(image_vecs: np.ndarray, truth: Sequence[Mapping[str, str]], encode_texts, *,
                         queries: int = 200, seed: int = 0) -> dict[str, float]:
    """zero_shot_<family> accuracies and text_to_image_recall@10, over the given (held-out) items."""
    values = family_values()
    metrics = {f"zero_shot_{f}": zero_shot_accuracy(image_vecs, truth, f, values[f], encode_texts)
               for f in ZERO_SHOT_FAMILIES}
    qs = two_attribute_queries(truth, limit=queries, seed=seed)
    metrics["text_to_image_recall@10"] = text_to_image_recall(image_vecs, truth, qs, encode_texts, k=10)
    metrics["items"] = float(len(truth))
    metrics["queries"] = float(len(qs))
    return metrics
