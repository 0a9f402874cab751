"""Zero-shot attribute tagging with an image-text model: the category first, then each family given it.

Used to read a reference image's attributes when no trained tagger exists. Prompts match the
sample model's evaluation ("a photo of a red dress"); confidences are the softmax over a family's
values at the model's temperature.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from engine.models.zero_shot import prompt

TEMPERATURE = 100.0  # CLIP's usual logit scale; the sample model trains to the same clamp


@dataclass(frozen=True)
class Tag:
    value: str
    confidence: float  # softmax probability of the value among its family's values


class ZeroShotTagger:
    """Tags image embeddings with the value of each family whose prompt is nearest.

    With a product-type family (the vocabulary's `product_type`), that family is read first and the others
    are prompted with it ("a photo of a red dress"); without one, each family is read on its own.
    """

    def __init__(self, encode_texts, values: Mapping[str, Sequence[str]], *, families: Sequence[str] | None = None,
                 product_type: str | None = None, temperature: float = TEMPERATURE):
        families = tuple(values) if families is None else tuple(families)
        missing = [f for f in families if f not in values]
        if missing:
            raise ValueError(f"no values for the families {missing}; known families: {sorted(values)}")
        if product_type is not None and product_type not in values:
            raise ValueError(f"the product type family {product_type!r} has no values; known: {sorted(values)}")
        self.encode_texts = encode_texts
        self.product_type = product_type
        if product_type is not None and product_type not in families:
            families = (product_type, *families)  # the others are prompted with it
        self.values = {f: list(values[f]) for f in families}
        self.temperature = temperature
        self._prompts: dict[tuple[str, str], np.ndarray] = {}

    def _types(self) -> list[str]:
        return self.values[self.product_type] if self.product_type else [""]

    def _prompt(self, family: str, value: str, category: str) -> str:
        return prompt(family, value, category, self.product_type)

    def _prompt_vectors(self, family: str, category: str) -> np.ndarray:
        if not self._prompts:
            self.prepare()
        key = (family, category)
        if key not in self._prompts:
            self._prompts[key] = self.encode_texts([self._prompt(family, v, category) for v in self.values[family]])
        return self._prompts[key]

    def prepare(self) -> None:
        """Encode every (family, product type) prompt set in one batch: one model call instead of one per pair
        (a first query over candidates of many types otherwise pays dozens of small calls)."""
        keys = [(self.product_type, "")] if self.product_type else []
        keys += [(f, c) for f in self.values if f != self.product_type for c in self._types()]
        if not keys:
            return
        texts = [self._prompt(f, v, c) for f, c in keys for v in self.values[f]]
        vectors = np.asarray(self.encode_texts(texts))
        start = 0
        for family, category in keys:
            n = len(self.values[family])
            self._prompts[(family, category)] = vectors[start:start + n]
            start += n

    def tag(self, image_vecs: np.ndarray) -> list[dict[str, Tag]]:
        """One {family: Tag} per image embedding (rows L2-normalised)."""
        image_vecs = np.atleast_2d(image_vecs)
        pt = self.product_type
        if pt:
            out = [{pt: c} for c in self._pick(image_vecs, self._prompt_vectors(pt, ""), pt)]
        else:
            out = [{} for _ in range(len(image_vecs))]
        for family in self.values:
            if family == pt:
                continue
            for category in sorted({t[pt].value for t in out} if pt else {""}):
                rows = [i for i, t in enumerate(out) if not pt or t[pt].value == category]
                for i, tag in zip(rows, self._pick(image_vecs[rows], self._prompt_vectors(family, category), family)):
                    out[i][family] = tag
        return out

    def _pick(self, image_vecs: np.ndarray, prompts: np.ndarray, family: str) -> list[Tag]:
        logits = self.temperature * image_vecs @ prompts.T
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        best = probs.argmax(axis=1)
        return [Tag(self.values[family][b], float(probs[i, b])) for i, b in enumerate(best)]


def zero_shot_tagger(encode_texts, vocabulary) -> ZeroShotTagger:
    """The tagger of a vocabulary's visible families (those a photo shows), prompted with its product type."""
    visible = vocabulary.visible_families
    return ZeroShotTagger(encode_texts, vocabulary.values(), families=visible,
                          product_type=vocabulary.product_type if vocabulary.product_type in visible else None)
