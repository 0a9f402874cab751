"""What each sample item *is*: its true attributes, drawn with skew and correlations.

Specs are the ground truth; the renderer draws them and the text writers describe them,
so every attribute recorded in `items.parquet` is one that was actually rendered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sample_data.vocabulary import Vocabulary, load_vocabulary

SCENE_FRACTION = 0.10
# An outfit in a scene takes at most one product from each group.
OUTFIT_GROUPS: dict[str, tuple[str, ...]] = {
    "top": ("t-shirt", "shirt", "sweater"),
    "one-piece": ("dress",),
    "bottom": ("jeans", "pants", "skirt", "shorts"),
    "outerwear": ("jacket", "coat"),
    "shoes": ("sneakers", "boots", "heels"),
    "accessory": ("handbag", "hat", "scarf"),
}
# Pattern colours that read as "accents" and keep the main colour dominant.
ACCENT_COLORS = ("white", "black", "beige", "navy", "red", "yellow", "pink", "green")


@dataclass(frozen=True)
class ProductSpec:
    """One product: its true attribute values and the seed its image and text are made from."""

    item_id: str
    seed: int
    category: str
    material: str
    pattern: str
    color: str
    season: str
    occasion: str
    style: str
    accent_color: str | None  # second colour of a non-solid pattern; None when solid

    def attributes(self) -> dict[str, str]:
        return {
            "category": self.category,
            "color": self.color,
            "pattern": self.pattern,
            "material": self.material,
            "style": self.style,
            "season": self.season,
            "occasion": self.occasion,
        }


@dataclass(frozen=True)
class SceneSpec:
    """A photo of several products (an outfit), for object-level search."""

    item_id: str
    seed: int
    members: tuple[str, ...]  # item_ids of the products shown, 2 to 4


def item_seed(seed: int, index: int, stream: int = 0) -> int:
    """A per-item seed that does not depend on how many items come before or in what order."""
    return int(np.random.SeedSequence([seed, stream, index]).generate_state(1)[0])


def _draw(rng: np.random.Generator, names: tuple[str, ...], weights: np.ndarray) -> str:
    total = weights.sum()
    if total <= 0:
        raise ValueError(f"every value of {names} has weight 0 under the affinity rules; loosen a rule")
    return names[int(rng.choice(len(names), p=weights / total))]


def sample_attributes(rng: np.random.Generator, vocab: Vocabulary) -> dict[str, str]:
    """Draw one value per family in vocabulary order, applying the affinity rules."""
    chosen: dict[str, str] = {}
    for family in vocab.families.values():
        weights = np.array([v.weight for v in family.values], dtype=float)
        for rule in vocab.affinities:
            if chosen.get(rule.when_family) == rule.when_value and family.name in rule.then:
                for value, factor in rule.then[family.name].items():
                    weights[family.names.index(value)] *= factor
        chosen[family.name] = _draw(rng, family.names, weights)
    return chosen


def sample_accent(rng: np.random.Generator, color: str) -> str:
    options = [c for c in ACCENT_COLORS if c != color]
    return options[int(rng.integers(len(options)))]


def sample_products(n: int, seed: int, vocab: Vocabulary | None = None, start: int = 0) -> list[ProductSpec]:
    """Specs of products `start .. start+n-1`; the same (seed, index) always gives the same product."""
    vocab = vocab or load_vocabulary()
    specs = []
    for index in range(start, start + n):
        s = item_seed(seed, index, stream=1)
        rng = np.random.default_rng(s)
        attrs = sample_attributes(rng, vocab)
        accent = None if attrs["pattern"] == "solid" else sample_accent(rng, attrs["color"])
        specs.append(ProductSpec(item_id=f"p{index:06d}", seed=s, accent_color=accent, **attrs))
    return specs


def sample_scenes(products: list[ProductSpec], n_scenes: int, seed: int) -> list[SceneSpec]:
    """Outfits of 2-4 products from distinct groups (a top, a bottom, shoes, a bag...)."""
    by_group: dict[str, list[str]] = {g: [] for g in OUTFIT_GROUPS}
    group_of = {c: g for g, cats in OUTFIT_GROUPS.items() for c in cats}
    for p in products:
        by_group[group_of[p.category]].append(p.item_id)
    groups = [g for g, ids in by_group.items() if ids]
    if len(groups) < 2:
        return []
    scenes = []
    for index in range(n_scenes):
        s = item_seed(seed, index, stream=2)
        rng = np.random.default_rng(s)
        k = int(min(len(groups), rng.integers(2, 5)))
        picked = rng.choice(len(groups), size=k, replace=False)
        members = tuple(by_group[groups[g]][int(rng.integers(len(by_group[groups[g]])))] for g in sorted(picked))
        scenes.append(SceneSpec(item_id=f"s{index:06d}", seed=s, members=members))
    return scenes


def split_counts(n: int) -> tuple[int, int]:
    """(products, scenes) for a catalog of n items: about 10% scenes, at least 2 products each."""
    if n < 1:
        raise ValueError(f"--n must be at least 1, got {n}")
    scenes = int(round(n * SCENE_FRACTION)) if n >= 20 else 0
    return n - scenes, scenes
