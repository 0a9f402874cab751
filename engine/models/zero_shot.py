"""Zero-shot attribute accuracy and text-to-image recall of an image-text model, from embeddings."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from engine.models.training.captions import _a

EncodeTexts = Callable[[Sequence[str]], np.ndarray]


def prompt(family: str, value: str, category: str, product_type: str | None = "category") -> str:
    """"a photo of a red dress": the family's value in front of the item's product type (alone for the product
    type family; "product" when the vocabulary has no product type or it is unknown)."""
    if family == product_type:
        return f"a photo of {_a(value)} {value}"
    return f"a photo of {_a(value)} {value} {category or 'product'}"


def zero_shot_accuracy(
    image_vecs: np.ndarray,
    truth: Sequence[Mapping[str, str]],
    family: str,
    values: Sequence[str],
    encode_texts: EncodeTexts,
    *,
    product_type: str = "category",
) -> float:
    """Share of items whose nearest prompt among the family's values names the true value (prompts name each
    item's value of the `product_type` family)."""
    rows = [i for i, t in enumerate(truth) if t.get(family) and t.get(product_type)]
    if not rows:
        raise ValueError(f"no item has a true {family!r} and {product_type}; cannot measure zero-shot accuracy")
    correct = 0
    by_category: dict[str, list[int]] = {}
    for i in rows:
        by_category.setdefault(truth[i][product_type], []).append(i)
    for category, idx in by_category.items():
        prompts = encode_texts([prompt(family, v, category, product_type) for v in values])
        best = np.argmax(image_vecs[idx] @ prompts.T, axis=1)
        correct += sum(values[b] == truth[i][family] for b, i in zip(best, idx))
    return correct / len(rows)


def text_to_image_recall(
    image_vecs: np.ndarray,
    truth: Sequence[Mapping[str, str]],
    queries: Sequence[Mapping[str, str]],
    encode_texts: EncodeTexts,
    *,
    k: int = 10,
    word_order: Sequence[str] = ("color", "pattern", "material", "category"),
) -> float:
    """Mean over queries of |relevant in top k| / min(k, |relevant|); relevant = every query attribute matches.

    A query's text is its values in `word_order` (a vocabulary's adjectives, then its product type).
    """
    texts = [" ".join(q[f] for f in word_order if f in q) for q in queries]
    scores = image_vecs @ encode_texts(texts).T  # items x queries
    total = 0.0
    for j, q in enumerate(queries):
        relevant = {i for i, t in enumerate(truth) if all(t.get(f) == v for f, v in q.items())}
        if not relevant:
            raise ValueError(f"query {q} has no relevant item; build queries from the evaluated items")
        top = np.argsort(-scores[:, j], kind="stable")[:k]
        total += len(relevant.intersection(top.tolist())) / min(k, len(relevant))
    return total / len(queries)
