"""What each home-goods item *is*: its true attributes, drawn with skew and correlations."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sample_data.home.vocabulary import load_home_vocabulary
from sample_data.spec import sample_attributes
from sample_data.vocabulary import Vocabulary

SPEC_STREAM = 21  # rng stream of the attributes; image, text and VLM output draw from their own streams


@dataclass(frozen=True)
class HomeSpec:
    """One product: its true attribute values and the seed its image and text are made from."""

    item_id: str
    seed: int
    category: str
    material: str
    color: str
    room: str
    style: str

    def attributes(self) -> dict[str, str]:
        return {"category": self.category, "material": self.material, "color": self.color,
                "room": self.room, "style": self.style}


def item_seed(seed: int, index: int) -> int:
    """The seed of item `index`; independent of how many items are generated."""
    return int(np.random.SeedSequence([seed, index, SPEC_STREAM]).generate_state(1)[0])


def sample_home_specs(n: int, seed: int, vocab: Vocabulary | None = None) -> list[HomeSpec]:
    """Specs of items 0 .. n-1; the same (seed, index) always gives the same item."""
    vocab = vocab or load_home_vocabulary()
    specs = []
    for index in range(n):
        s = item_seed(seed, index)
        attrs = sample_attributes(np.random.default_rng(s), vocab)
        specs.append(HomeSpec(item_id=f"h{index:06d}", seed=s, **attrs))
    return specs
