"""Attribute prompts as extra contrastive targets: each image against every value of a family, in words.

The caption loss alone sees the skewed catalog (most items are solid cotton), so batches rarely
contrast "floral" with "striped"; contrasting each image with the prompts of all values of a
family ("a photo of a floral dress", "... striped dress", ...) grounds every attribute word. The
families are the workspace vocabulary's product type and its other visible families.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.models.zero_shot import prompt
from engine.vocabulary import Vocabulary

TEMPLATES = ("{prompt}", "{words}")  # "a photo of a red dress", "red dress"


def prompt_families(vocab: Vocabulary) -> tuple[str, ...]:
    """The product type first, then the other visible families; () without a product type (prompts need a noun)."""
    if vocab.product_type is None:
        return ()
    return (vocab.product_type, *(f for f in vocab.visible_families if f != vocab.product_type))


def prompt_texts(family: str, value: str, noun: str, product_type: str) -> list[str]:
    words = value if family == product_type else f"{value} {noun}"
    return [t.format(prompt=prompt(family, value, noun, product_type), words=words) for t in TEMPLATES]


class AttributePrompts:
    """Pooled text features of every (family, product type, value) prompt, and per-item targets."""

    def __init__(self, values: dict[str, Sequence[str]], encode_pooled, product_type: str):
        if product_type not in values:
            raise ValueError(f"attribute prompts need the values of the product type {product_type!r}; "
                             f"got the families {sorted(values)}")
        self.product_type = product_type
        self.families = (product_type, *(f for f in values if f != product_type))
        self.values = {f: list(values[f]) for f in self.families}
        self.nouns = self.values[product_type]
        texts, shapes = [], {}
        for fam in self.families:
            nouns = [None] if fam == product_type else self.nouns
            for t in range(len(TEMPLATES)):
                for noun in nouns:
                    for value in self.values[fam]:
                        texts.append(prompt_texts(fam, value, noun or value, product_type)[t])
            shapes[fam] = (len(TEMPLATES), len(nouns), len(self.values[fam]))
        pooled = encode_pooled(texts)
        self.features, offset = {}, 0  # fam -> (templates, nouns or 1, values, width)
        for fam, shape in shapes.items():
            n = shape[0] * shape[1] * shape[2]
            self.features[fam] = pooled[offset:offset + n].reshape(*shape, -1)
            offset += n

    def targets(self, attributes: Sequence[dict], family: str):
        """(item rows, product-type index, value index) of the items that have this family and a known product type."""
        rows, nouns, vals = [], [], []
        for i, a in enumerate(attributes):
            noun, value = a.get(self.product_type), a.get(family)
            if noun in self.nouns and value in self.values[family]:
                rows.append(i)
                nouns.append(0 if family == self.product_type else self.nouns.index(noun))
                vals.append(self.values[family].index(value))
        return rows, nouns, vals

    def loss(self, image_features, attributes: Sequence[dict], proj, logit_scale, template: int):
        """Mean cross-entropy of each image over its family's value prompts (for its product type)."""
        import torch
        import torch.nn.functional as F

        losses = []
        for fam in self.families:
            rows, nouns, vals = self.targets(attributes, fam)
            if not rows:
                continue
            feats = F.normalize(proj(self.features[fam][template]), dim=-1)  # (nouns, values, dim)
            per_item = feats[torch.tensor(nouns)]  # (n, values, dim)
            logits = logit_scale * torch.einsum("nd,nvd->nv", image_features[torch.tensor(rows)], per_item)
            losses.append(F.cross_entropy(logits, torch.tensor(vals)))
        return torch.stack(losses).mean() if losses else image_features.sum() * 0
