"""Attribute prompts as extra contrastive targets: each image against every value of a family, in words.

The caption loss alone sees the skewed catalog (most items are solid cotton), so batches rarely
contrast "floral" with "striped"; contrasting each image with the prompts of all values of a
family ("a photo of a floral dress", "... striped dress", ...) grounds every attribute word.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.models.zero_shot import prompt

PROMPT_FAMILIES = ("category", "color", "pattern", "material")
TEMPLATES = ("{prompt}", "{words}")  # "a photo of a red dress", "red dress"


def prompt_texts(family: str, value: str, category: str) -> list[str]:
    words = value if family == "category" else f"{value} {category}"
    return [t.format(prompt=prompt(family, value, category), words=words) for t in TEMPLATES]


class AttributePrompts:
    """Pooled text features of every (family, category, value) prompt, and per-item targets."""

    def __init__(self, values: dict[str, Sequence[str]], encode_pooled):
        self.values = {f: list(values[f]) for f in PROMPT_FAMILIES}
        self.categories = self.values["category"]
        texts, shapes = [], {}
        for fam in PROMPT_FAMILIES:
            cats = [None] if fam == "category" else self.categories
            for t in range(len(TEMPLATES)):
                for cat in cats:
                    for value in self.values[fam]:
                        texts.append(prompt_texts(fam, value, cat or value)[t])
            shapes[fam] = (len(TEMPLATES), len(cats), len(self.values[fam]))
        pooled = encode_pooled(texts)
        self.features, offset = {}, 0  # fam -> (templates, categories or 1, values, width)
        for fam, shape in shapes.items():
            n = shape[0] * shape[1] * shape[2]
            self.features[fam] = pooled[offset:offset + n].reshape(*shape, -1)
            offset += n

    def targets(self, attributes: Sequence[dict], family: str):
        """(item rows, category index, value index) of the items that have this family and a known category."""
        rows, cats, vals = [], [], []
        for i, a in enumerate(attributes):
            cat, value = a.get("category"), a.get(family)
            if cat in self.categories and value in self.values[family]:
                rows.append(i)
                cats.append(0 if family == "category" else self.categories.index(cat))
                vals.append(self.values[family].index(value))
        return rows, cats, vals

    def loss(self, image_features, attributes: Sequence[dict], proj, logit_scale, template: int):
        """Mean cross-entropy of each image over its family's value prompts (for its category)."""
        import torch
        import torch.nn.functional as F

        losses = []
        for fam in PROMPT_FAMILIES:
            rows, cats, vals = self.targets(attributes, fam)
            if not rows:
                continue
            feats = F.normalize(proj(self.features[fam][template]), dim=-1)  # (cats, values, dim)
            per_item = feats[torch.tensor(cats)]  # (n, values, dim)
            logits = logit_scale * torch.einsum("nd,nvd->nv", image_features[torch.tensor(rows)], per_item)
            losses.append(F.cross_entropy(logits, torch.tensor(vals)))
        return torch.stack(losses).mean() if losses else image_features.sum() * 0
