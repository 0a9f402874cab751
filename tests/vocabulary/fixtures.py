"""A tiny home-goods catalog's raw VLM key/value output, hand-made, and a deterministic fake encoder."""

from __future__ import annotations

import numpy as np

from engine.attributes.records import RawAttribute
from tests.fakes import text_vector

N = 50
KINDS = ["mug", "vase", "lamp", "chair"]
COLORS = ["teal", "sage", "terracotta", "white", "Crème"]
MATERIALS = ["rattan", "ceramic", "oak", "naturholz", "rattan", "wicker", "ceramic"]
ROOMS = ["kitchen", "bedroom", "living room"]
STYLES = ["mid-century", "boho", "mid century", "mid-century", "boho", "minimalist", "mid-century"]


def color_of(i: int) -> str:
    base = COLORS[i % 5]
    if i % 15 == 1:
        return "sage green"  # 4 of the 10 sage items
    if i % 15 == 2:
        return "terra cotta"  # 4 of the 10 terracotta items
    return base


def home_raw(extra: bool = True) -> list[RawAttribute]:
    """Item h00..h49: product type under two keys, colour and material under three, room under two.

    The cycles (4, 5, 7, 3 values) are coprime with the key cycles (2, 3), so a key variant's values are
    spread like the family's, as a VLM naming a key at random would spread them.
    """
    rows = []
    for i in range(N):
        item = f"h{i:02d}"
        rows += [(item, "category" if i < 30 else "item type", KINDS[i % 4]),
                 (item, ("color", "colour", "Main_Color")[i % 3], color_of(i)),
                 (item, ("material", "made of", "main material")[i % 3], MATERIALS[i % 7]),
                 (item, "room" if i % 2 == 0 else "best room", ROOMS[i % 3]),
                 (item, "style", STYLES[i % 7])]
        if extra:
            rows.append((item, "warranty", "none"))  # a family with one value
    if extra:
        rows.append(("h00", "sparkle level", "high"))  # a key seen on one item
    return [RawAttribute(*r) for r in rows]


class PairedEncoder:
    """Texts embed by the SHA-256 of their text (far apart), except `close` ones, which embed next to a partner."""

    def __init__(self, close: dict[str, str] | None = None, dim: int = 32):
        self.close = close or {}
        self.dim = dim

    def encode(self, texts) -> np.ndarray:
        rows = [text_vector(self.close.get(t, t), self.dim) + 0.05 * text_vector(t, self.dim) for t in texts]
        rows = np.array(rows, dtype=np.float64).reshape(len(rows), self.dim)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


HOME_ENCODER = PairedEncoder({"sage green": "sage", "wicker": "rattan"})
