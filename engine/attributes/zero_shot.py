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

DEFAULT_FAMILIES = ("category", "color", "pattern", "material")
TEMPERATURE = 100.0  # CLIP's usual logit scale; the sample model trains to the same clamp


@dataclass(frozen=True)
class Tag:
    value: str
    confidence: float  # softmax probability of the value among its family's values


class ZeroShotTagger:
    """Tags image embeddings with the value of each family whose prompt is nearest."""

    def __init__(self, encode_texts, values: Mapping[str, Sequence[str]], *, families=DEFAULT_FAMILIES,
                 temperature: float = TEMPERATURE):
        if "category" not in values:
            raise ValueError("zero-shot tagging needs the category family: prompts name the category")
        missing = [f for f in families if f not in values]
        if missing:
            raise ValueError(f"no values for the families {missing}; known families: {sorted(values)}")
        self.encode_texts = encode_texts
        self.values = {f: list(values[f]) for f in families}
        self.temperature = temperature
        self._prompts: dict[tuple[str, str], np.ndarray] = {}

    def _prompt_vectors(self, family: str, category: str) -> np.ndarray:
        if not self._prompts:
            self.prepare()
        key = (family, category)
        if key not in self._prompts:
            self._prompts[key] = self.encode_texts([prompt(family, v, category) for v in self.values[family]])
        return self._prompts[key]

    def prepare(self) -> None:
        """Encode every (family, category) prompt set in one batch: one model call instead of one per pair
        (a first query over candidates of many categories otherwise pays dozens of small calls)."""
        keys = [("category", "")] + [(f, c) for f in self.values if f != "category" for c in self.values["category"]]
        texts = [prompt(f, v, c) for f, c in keys for v in self.values[f]]
        vectors = np.asarray(self.encode_texts(texts))
        start = 0
        for family, category in keys:
            n = len(self.values[family])
            self._prompts[(family, category)] = vectors[start:start + n]
            start += n

    def tag(self, image_vecs: np.ndarray) -> list[dict[str, Tag]]:
        """One {family: Tag} per image embedding (rows L2-normalised)."""
        image_vecs = np.atleast_2d(image_vecs)
        cats = self._pick(image_vecs, self._prompt_vectors("category", ""), "category")
        out = [{"category": c} for c in cats]
        for family in self.values:
            if family == "category":
                continue
            for category in sorted({t["category"].value for t in out}):
                rows = [i for i, t in enumerate(out) if t["category"].value == category]
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
