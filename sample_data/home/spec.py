"""What each home-goods item *is*: its true attributes, drawn with skew and correlations."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sample_data.home.vocabulary import HomeVocabulary, load_home_vocabulary

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


def sample_home_attributes(rng: np.random.Generator, vocab: HomeVocabulary) -> dict[str, str]:
    """One draw of every family in vocabulary order, each weighted by the affinities of those drawn before."""
    chosen: dict[str, str] = {}
    for family in vocab.families.values():
        weights = np.array([v.weight for v in family.values], dtype=float)
        for rule in vocab.affinities:
            if chosen.get(rule.when_family) == rule.when_value and family.name in rule.then:
                for value, factor in rule.then[family.name].items():
                    weights[family.names.index(value)] *= factor
        if weights.sum() <= 0:
            raise ValueError(f"the affinities forbid every {family.name} value for {chosen}; "
                             "allow at least one in vocabulary.toml")
        chosen[family.name] = family.names[int(rng.choice(len(weights), p=weights / weights.sum()))]
    return chosen


def sample_home_specs(n: int, seed: int, vocab: HomeVocabulary | None = None) -> list[HomeSpec]:
    """Specs of items 0 .. n-1; the same (seed, index) always gives the same item."""
    vocab = vocab or load_home_vocabulary()
    specs = []
    for index in range(n):
        s = item_seed(seed, index)
        attrs = sample_home_attributes(np.random.default_rng(s), vocab)
        specs.append(HomeSpec(item_id=f"h{index:06d}", seed=s, **attrs))
    return specs
