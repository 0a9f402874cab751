"""Mine (reference, modification text, target) triplets from a catalog's attributes, for the early-fusion model.

Pivots: two items of one category that differ in exactly one pivot family, every other kept family equal;
the text names the target's value ("in red", "with stripes", "for a wedding"). Descriptors: the text names
an aspect ("same color", "similar pattern") and the target shares the category and that family's value.
Surface forms and aspect words come from the query lexicon (vocabulary synonyms + surface_forms.toml).
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engine.query.lexicon import default_phrases

PIVOT_FAMILIES = ("color", "pattern", "material", "occasion")  # families a pivot may change
KEPT_FAMILIES = ("color", "pattern", "material")  # families a pivot must keep (except the one it changes)
DESCRIPTOR_FAMILIES = ("color", "pattern", "material", "style")  # aspects a descriptor may name
KINDS = ("pivot", "descriptor")

PIVOT_TEMPLATES: dict[str, tuple[str, ...]] = {
    "color": ("in {v}", "make it {v}", "{v} instead", "the same but {v}", "change the color to {v}",
              "i want it in {v}", "{v} version", "same thing in {v}"),
    "pattern": ("with {v}", "make it {v}", "{v} instead", "the same but {v}", "in a {v} pattern",
                "{v} version", "change the pattern to {v}"),
    "material": ("in {v}", "made of {v}", "{v} instead", "the same in {v}", "make it {v}", "{v} version"),
    "occasion": ("for a {v}", "for {v}", "something for {v}", "the same but for {v}", "make it {v} ready"),
}
DESCRIPTOR_TEMPLATES = ("same {a}", "similar {a}", "this {a}", "the same {a}", "{a} like this",
                        "match the {a}", "keep the {a}", "in this {a}")


@dataclass(frozen=True)
class Triplet:
    reference: str  # item id of the reference image
    text: str  # the modification text
    target: str  # item id of the mined target
    kind: str  # "pivot" or "descriptor"
    family: str  # the family the text changes (pivot) or names (descriptor)
    value: str  # the target's value of that family


class TripletError(ValueError):
    """Attributes that cannot be mined."""


def is_held_out(item_id: str, fraction: float = 0.1) -> bool:
    """Whether a reference item is held out for evaluation: a stable hash of its id, not Python's hash()."""
    digest = hashlib.sha256(f"fusion-holdout:{item_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 10_000 < round(fraction * 10_000)


def pivot_text(family: str, value: str, rng: random.Random) -> str:
    """A pivot's text: a random template of the family filled with a random surface form of the value."""
    forms, _ = default_phrases()
    form = rng.choice(forms.get((family, value), (value,)))
    return rng.choice(PIVOT_TEMPLATES[family]).format(v=form)


def descriptor_text(family: str, rng: random.Random) -> str:
    _, aspects = default_phrases()
    return rng.choice(DESCRIPTOR_TEMPLATES).format(a=rng.choice(aspects.get(family, (family,))))


def _check(attributes: Mapping[str, Mapping[str, str]]) -> None:
    for item_id, attrs in attributes.items():
        if not isinstance(attrs, Mapping):
            raise TripletError(f"item {item_id!r}: attributes must be a family -> value mapping, got "
                               f"{type(attrs).__name__}; give e.g. {{'category': 'dress', 'color': 'red'}}")


def pivot_key(attrs: Mapping[str, str], family: str) -> tuple | None:
    """Items sharing this key are pivot pairs on `family` when their `family` values differ."""
    if not attrs.get("category") or not attrs.get(family):
        return None
    kept = tuple(attrs.get(f) for f in KEPT_FAMILIES if f != family)
    if any(v is None for v in kept):
        return None
    return (family, attrs["category"], kept)


def valid_pivot_targets(attributes: Mapping[str, Mapping[str, str]], reference: str, family: str,
                        value: str) -> set[str]:
    """Every item that is a right answer to pivoting `reference` to `family` = `value`."""
    key = pivot_key(attributes[reference], family)
    return {i for i, a in attributes.items() if i != reference and a.get(family) == value and pivot_key(a, family) == key}


def valid_descriptor_targets(attributes: Mapping[str, Mapping[str, str]], reference: str, family: str) -> set[str]:
    """Every item of the reference's category sharing its value of `family`."""
    ref = attributes[reference]
    return {i for i, a in attributes.items() if i != reference and a.get("category") == ref.get("category")
            and a.get(family) is not None and a.get(family) == ref.get(family)}


def mine_triplets(attributes: Mapping[str, Mapping[str, str]], references: Sequence[str] | None = None,
                  targets: Sequence[str] | None = None, *, per_reference: int = 8, seed: int = 0) -> list[Triplet]:
    """Up to `per_reference` triplets per reference (about half pivots), targets drawn from `targets`.

    Deterministic for a seed: items are visited in sorted order with one seeded random.Random.
    """
    _check(attributes)
    if per_reference < 1:
        raise TripletError(f"per_reference must be at least 1, got {per_reference}")
    references = sorted(attributes if references is None else references)
    pool = sorted(attributes if targets is None else targets)
    unknown = [i for i in (*references, *pool) if i not in attributes]
    if unknown:
        raise TripletError(f"items {unknown[:5]} have no attributes; pass only ids that are keys of `attributes`")
    pivot_groups: dict[tuple, list[str]] = defaultdict(list)
    descriptor_groups: dict[tuple, list[str]] = defaultdict(list)
    for item_id in pool:
        attrs = attributes[item_id]
        for family in PIVOT_FAMILIES:
            key = pivot_key(attrs, family)
            if key is not None:
                pivot_groups[key].append(item_id)
        for family in DESCRIPTOR_FAMILIES:
            if attrs.get("category") and attrs.get(family):
                descriptor_groups[(family, attrs["category"], attrs[family])].append(item_id)
    rng = random.Random(seed)
    out: list[Triplet] = []
    for ref in references:
        attrs = attributes[ref]
        pivots = {family: [t for t in pivot_groups.get(pivot_key(attrs, family), ())
                           if attributes[t][family] != attrs[family]] for family in PIVOT_FAMILIES}
        descriptors = {family: [t for t in descriptor_groups.get((family, attrs.get("category"), attrs.get(family)), ())
                                if t != ref] for family in DESCRIPTOR_FAMILIES}
        n_descriptors = sum(map(len, descriptors.values()))
        n_pivots = min(sum(map(len, pivots.values())), max(per_reference - n_descriptors, (per_reference + 1) // 2))
        for family, target in balanced_sample(pivots, n_pivots, rng):
            value = attributes[target][family]
            out.append(Triplet(ref, pivot_text(family, value, rng), target, "pivot", family, value))
        for family, target in balanced_sample(descriptors, per_reference - n_pivots, rng):
            out.append(Triplet(ref, descriptor_text(family, rng), target, "descriptor", family, attrs[family]))
    return out


def balanced_sample(groups: Mapping[str, Sequence[str]], n: int, rng: random.Random) -> list[tuple[str, str]]:
    """Up to n (family, item) picks without replacement, taking the families in turn so no family crowds out the rest."""
    shuffled = {f: rng.sample(list(items), len(items)) for f, items in groups.items() if items}
    order = rng.sample(sorted(shuffled), len(shuffled))
    picks: list[tuple[str, str]] = []
    while len(picks) < n and order:
        for family in list(order):
            if len(picks) == n:
                break
            picks.append((family, shuffled[family].pop()))
            if not shuffled[family]:
                order.remove(family)
    return picks
