"""Learning attribute families from the raw keys themselves (no built-in list of families).

Rules, in order (each documented in `KeySettings` and counted in `KeyFamilies`):
  support     a normalised key on fewer than `min_support` items is dropped (counted in `dropped`);
  merging     two groups of keys merge when their names match after normalisation ("colours" / "colour",
              "main color" / "color": a key that ends in another key), when the MiniLM embeddings of
              their names lie within `name_similarity`, or when their value distributions overlap
              (cosine of value counts >= `value_overlap`: "made of" and "material" both say "oak");
              merges go most similar first, and two groups never merge when items carry both about as
              often as independent attributes would (more than `max_cooccurrence` x |A||B|/N items):
              "accent color" beside "color" is another attribute of the same item, while two names of one
              attribute ("colour", "color") rarely appear together;
  product     the product-type family is the one with a key named like a product type (PRODUCT_TYPE_KEYS:
              "category", "product type", "type", "item type", ...; the most frequent if several), else
              the family with the most distinct values (highest value entropy) among those on at least
              half the items;
  coverage    a family carried by fewer than `min_family_share` of the items is dropped (counted): keys
              such as "heel", "neckline" or "photo type" describe a few product types or the photo, not
              the catalog. Between that and `general_share`, a family must also be general: its values
              must not each belong to a few product types (H(type | value) / H(type) >= `min_spread`),
              or it describes parts of some products ("detail": "five-pocket design"), not the catalog.
The family takes the name of its most frequent key (by items; ties: fewer words, then alphabetical).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from engine.attributes.curate_keys import normalise_key, normalise_value, spelling_key

Encode = Callable[[list[str]], np.ndarray]  # texts -> L2-normalised rows


@dataclass(frozen=True)
class KeySettings:
    """How raw keys become families (the defaults are documented in the module docstring)."""

    min_support: int | None = None  # items a key must appear on; None: min_share of the items, at least 2
    min_share: float = 0.02  # the default key support as a share of the items with attributes
    name_similarity: float = 0.8  # cosine similarity of MiniLM key-name embeddings that merges two keys
    value_overlap: float = 0.5  # cosine similarity of two keys' value counts that merges them
    max_cooccurrence: float = 0.5  # items carrying both groups, as a share of |A||B|/N, above which they stay apart
    min_family_share: float = 0.4  # share of the items a family must cover (0: keep every supported key)
    general_share: float = 0.75  # a family on at least this share of the items is kept without the spread test
    min_spread: float = 0.6  # H(product type | value) / H(product type) a family under general_share needs

    def support_for(self, items: int) -> int:
        if self.min_support is not None:
            return self.min_support
        return max(2, math.ceil(self.min_share * items))

    def check(self) -> None:
        if self.min_support is not None and (isinstance(self.min_support, bool) or self.min_support < 1):
            raise ValueError(f"min_key_support must be a whole number of at least 1, got {self.min_support!r}")
        for name in ("min_share", "min_family_share", "general_share", "min_spread"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} is a share in [0, 1], got {value!r}")
        for name in ("name_similarity", "value_overlap"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name} is a cosine similarity in (0, 1], got {value!r}; 1 merges only equal ones")
        if self.max_cooccurrence < 0:
            raise ValueError(f"max_cooccurrence must be >= 0, got {self.max_cooccurrence!r}")


@dataclass(frozen=True)
class KeyFamilies:
    """The learned families: normalised key -> family, and every key that was left out with its items."""

    families: dict[str, tuple[str, ...]]  # family -> its keys, most frequent first (the first names the family)
    items: dict[str, int]  # family -> items carrying any of its keys
    dropped: dict[str, int] = field(default_factory=dict)  # normalised key -> items, for keys under min_support
    rare_families: dict[str, int] = field(default_factory=dict)  # family -> items, under min_family_share
    narrow_families: dict[str, float] = field(default_factory=dict)  # family -> spread, under min_spread
    product_type: str | None = None  # the family naming what a product is, when one was found
    min_support: int = 2
    n_items: int = 0

    @property
    def key_family(self) -> dict[str, str]:
        return {k: f for f, keys in self.families.items() for k in keys}

    def family_of(self, key: str) -> str | None:
        return self.key_family.get(normalise_key(key))

    def to_dict(self) -> dict:
        return {"families": {f: list(k) for f, k in self.families.items()}, "items": dict(self.items),
                "dropped_keys": dict(self.dropped), "rare_families": dict(self.rare_families),
                "narrow_families": dict(self.narrow_families), "product_type": self.product_type,
                "min_key_support": self.min_support, "n_items": self.n_items}

    @classmethod
    def from_dict(cls, data: dict) -> KeyFamilies:
        return cls({f: tuple(k) for f, k in data.get("families", {}).items()}, dict(data.get("items", {})),
                   dict(data.get("dropped_keys", {})), dict(data.get("rare_families", {})),
                   dict(data.get("narrow_families", {})), data.get("product_type"),
                   int(data.get("min_key_support", 2)), int(data.get("n_items", 0)))


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def name_key(key: str) -> str:
    """Keys spelled alike: "Colours", "colour" and "col-our" share one name key."""
    return spelling_key(" ".join(_singular(w) for w in key.split()))


def names_match(a: str, b: str) -> bool:
    """Same name after normalisation, or one ends in the other ("main color" / "color", "best room" / "room")."""
    na, nb = name_key(a), name_key(b)
    if na == nb:
        return True
    wa, wb = [name_key(w) for w in a.split()], [name_key(w) for w in b.split()]
    return (len(wa) > len(wb) and wa[-len(wb):] == wb) or (len(wb) > len(wa) and wb[-len(wa):] == wa)


def value_cosine(a: Counter, b: Counter) -> float:
    """Cosine similarity of two value-count vectors (0 when they share no value)."""
    dot = sum(a[v] * b[v] for v in a.keys() & b.keys())
    if not dot:
        return 0.0
    return dot / math.sqrt(sum(c * c for c in a.values()) * sum(c * c for c in b.values()))


def learn_key_families(raw: Iterable, encode: Encode | None, settings: KeySettings = KeySettings()) -> KeyFamilies:
    """Group raw keys into families by names, embeddings and values; drop (and count) what support rejects."""
    settings.check()
    key_items: dict[str, set[str]] = {}
    key_values: dict[str, Counter] = {}
    all_items: set[str] = set()
    raw_pairs: list[tuple[str, str, str]] = []
    for a in raw:
        key, value = normalise_key(a.key), normalise_value(a.value)
        all_items.add(a.item_id)
        if not key or not value:
            continue
        raw_pairs.append((a.item_id, key, spelling_key(value) or value))
        key_items.setdefault(key, set()).add(a.item_id)
        key_values.setdefault(key, Counter())[spelling_key(value) or value] += 1
    n_items = len(all_items)
    min_support = settings.support_for(n_items)
    order = sorted(key_items, key=lambda k: (-len(key_items[k]), len(k.split()), k))
    groups = _merge_keys(order, key_items, key_values, encode, settings, n_items, min_support)
    groups = [tuple(sorted(keys, key=lambda k: (-len(key_items[k]), len(k.split()), k))) for keys in groups]
    covered = {keys[0]: set().union(*(key_items[k] for k in keys)) for keys in groups}
    # support: a group (a key and the variants that joined it) on too few items is dropped, its keys counted
    dropped = {k: len(key_items[k]) for keys in groups if len(covered[keys[0]]) < min_support for k in keys}
    groups = sorted((keys for keys in groups if len(covered[keys[0]]) >= min_support), key=lambda keys: keys[0])
    values = {keys[0]: _item_values(keys, raw_pairs) for keys in groups}
    product_type = _product_type(groups, covered, values, n_items)
    families: dict[str, tuple[str, ...]] = {}
    rare: dict[str, int] = {}
    narrow: dict[str, float] = {}
    for keys in groups:
        name, share = keys[0], len(covered[keys[0]]) / max(1, n_items)
        if share < settings.min_family_share:
            rare[name] = len(covered[name])
            continue
        if product_type is not None and name != product_type and share < settings.general_share:
            spread = value_spread(values[name], values[product_type])
            if spread < settings.min_spread:
                narrow[name] = round(spread, 3)
                continue
        families[name] = keys
    order = sorted(families, key=lambda f: (-len(covered[f]), f))
    return KeyFamilies({f: families[f] for f in order}, {f: len(covered[f]) for f in order}, dropped,
                       dict(sorted(rare.items(), key=lambda kv: (-kv[1], kv[0]))), narrow,
                       product_type if product_type in families else None, min_support, n_items)


PRODUCT_TYPE_KEYS = ("category", "product type", "type", "item type", "product category", "product", "item",
                     "kind", "article", "product kind", "object type")


def _item_values(keys: Sequence[str], raw_pairs: list[tuple[str, str, str]]) -> dict[str, str]:
    """item -> the first (spelling-normalised) value it has under any of the keys."""
    wanted, out = set(keys), {}
    for item, key, value in raw_pairs:
        if key in wanted and item not in out:
            out[item] = value
    return out


def _entropy(counts: Counter) -> float:
    n = sum(counts.values())
    return -sum(c / n * math.log(c / n) for c in counts.values() if c) if n else 0.0


def value_spread(values: dict[str, str], types: dict[str, str]) -> float:
    """H(product type | value) / H(product type) over items with both: 1 when values say nothing of the type."""
    pairs = [(v, types[i]) for i, v in values.items() if i in types]
    h_type = _entropy(Counter(t for _, t in pairs))
    if not pairs or h_type == 0:
        return 1.0
    return (_entropy(Counter(pairs)) - _entropy(Counter(v for v, _ in pairs))) / h_type


def _product_type(groups, covered, values, n_items) -> str | None:
    """The product-type family: named like one (PRODUCT_TYPE_KEYS), else the most diverse widespread one."""
    named = {name_key(k) for k in PRODUCT_TYPE_KEYS}
    by_name = [keys[0] for keys in groups if any(name_key(k) in named for k in keys)]
    if by_name:
        return max(by_name, key=lambda f: (len(covered[f]), f))
    wide = [keys[0] for keys in groups if len(covered[keys[0]]) >= 0.5 * n_items]
    if not wide:
        return None
    return max(wide, key=lambda f: (_entropy(Counter(values[f].values())), f))


def _merge_keys(keys: Sequence[str], key_items: dict[str, set[str]], key_values: dict[str, Counter],
                encode: Encode | None, settings: KeySettings, n_items: int, min_support: int) -> list[list[str]]:
    """Greedy agglomeration of keys, most similar pair first, with the co-occurrence veto between groups.

    Every key may join another by its name (normalised, or ending in the other, or embedded close); value
    overlap, which needs some support to mean anything, is compared between keys on min_support items.
    """
    scores: dict[tuple[str, str], float] = {}

    def offer(a: str, b: str, score: float) -> None:
        pair = (a, b) if a < b else (b, a)
        if a != b and score > scores.get(pair, 0.0):
            scores[pair] = score

    by_name: dict[str, list[str]] = {}
    for k in keys:
        by_name.setdefault(name_key(k), []).append(k)
    for k in keys:
        words = k.split()
        for start in range(len(words)):  # the key itself, then each shorter tail ("main color" -> "color")
            for other in by_name.get(name_key(" ".join(words[start:])), ()):
                offer(k, other, 1.0)
    if encode is not None and len(keys) > 1:
        vectors = np.asarray(encode(list(keys)), dtype=np.float64)
        sims = vectors @ vectors.T
        for i, j in zip(*np.nonzero(np.triu(sims >= settings.name_similarity, k=1))):
            offer(keys[i], keys[j], float(sims[i, j]))
    supported = [k for k in keys if len(key_items[k]) >= min_support]
    for i, a in enumerate(supported):
        for b in supported[i + 1:]:
            overlap = value_cosine(key_values[a], key_values[b])
            if overlap >= settings.value_overlap:
                offer(a, b, overlap)
    group_of = {k: i for i, k in enumerate(keys)}
    members: dict[int, list[str]] = {i: [k] for i, k in enumerate(keys)}
    items: dict[int, set[str]] = {i: set(key_items[k]) for i, k in enumerate(keys)}
    for (a, b), _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
        ga, gb = group_of[a], group_of[b]
        if ga == gb:
            continue
        both = len(items[ga] & items[gb])
        # one shared item is no evidence either way; from two on, compare with independent attributes
        if both >= 2 and both > settings.max_cooccurrence * len(items[ga]) * len(items[gb]) / max(1, n_items):
            continue
        for k in members[gb]:
            group_of[k] = ga
        members[ga] += members.pop(gb)
        items[ga] |= items.pop(gb)
    return list(members.values())
