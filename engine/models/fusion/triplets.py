"""Mine (reference, modification text, target) triplets from a catalog's attributes, for the early-fusion model.

Everything domain-specific comes from the workspace's Vocabulary (see `MiningPlan`). Pivots: two items of one
product type that differ in exactly one pivot family, every other kept family equal; the text names the
target's value ("in red", "made of marble", "for the bedroom"). Descriptors: the text names an aspect
("same color", "similar finish") and the target shares the product type and that family's value. Surface
forms and aspect words come from the vocabulary's lexicon (engine.query.lexicon_phrases).
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from engine.query.lexicon import lexicon_for, lexicon_phrases
from engine.vocabulary import HOW_TO_GET_ONE, Vocabulary

KINDS = ("pivot", "descriptor")
# Pivot phrasings that fit any family, built around the family's own pivot phrase ("in {}", "for the {}")...
PIVOT_PHRASINGS = ("{pivot}", "the same but {pivot}", "i want it {pivot}", "something {pivot}")
# ...and bare-value ones that read well for what can be seen (a color, a material: "make it marble").
VISIBLE_PHRASINGS = ("make it {v}", "the same but {v}", "{v} instead", "{v} version")
DESCRIPTOR_TEMPLATES = ("same {a}", "similar {a}", "this {a}", "the same {a}", "{a} like this",
                        "match the {a}", "keep the {a}", "in this {a}")


@dataclass(frozen=True)
class MiningPlan:
    """What mining needs from a vocabulary: the product type and the families pivots and descriptors use."""

    product_type: str  # both items of a triplet share its value
    pivot_families: tuple[str, ...]  # every family except the product type
    kept_families: tuple[str, ...]  # visible families (not the product type) a pivot keeps, except the one it changes
    descriptor_families: tuple[str, ...]  # families with aspect words (else the visible ones) a descriptor may name
    templates: dict  # family -> its pivot templates, with {v} for the value's surface form
    forms: dict  # (family, value) -> surface forms
    aspects: dict  # family -> aspect words


@lru_cache(maxsize=8)
def mining_plan(vocab: Vocabulary) -> MiningPlan:
    """The plan of a vocabulary (cached: vocabularies are immutable); TripletError when it cannot anchor triplets."""
    if not isinstance(vocab, Vocabulary):
        raise TripletError(f"triplet mining needs the workspace's Vocabulary, got {type(vocab).__name__}")
    if vocab.is_empty():
        raise TripletError(f"triplet mining needs attribute families: {HOW_TO_GET_ONE}")
    noun = vocab.product_type
    if noun is None:
        raise TripletError("the workspace's vocabulary names no product type (families "
                           f"{', '.join(vocab.family_names) or 'none'}); triplets pair items of one product type. "
                           "Set `product_type = \"FAMILY\"` in WORKSPACE/vocabulary.toml")
    others = tuple(f for f in vocab.family_names if f != noun)
    visible = tuple(f for f in vocab.visible_families if f != noun)
    described = tuple(f.name for f in vocab.families if f.name != noun and f.aspects) or visible
    templates = {}
    for name in others:
        family = vocab.family(name)
        pivot = family.pivot.replace("{}", "{v}")
        phrasings = [p.format(pivot=pivot, v="{v}") for p in PIVOT_PHRASINGS]
        if family.visible:
            phrasings += VISIBLE_PHRASINGS
        templates[name] = tuple(dict.fromkeys(phrasings))
    forms, aspects = lexicon_phrases(lexicon_for(vocab))
    return MiningPlan(noun, others, visible, described, templates, forms, aspects)


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


def pivot_text(plan: MiningPlan, family: str, value: str, rng: random.Random) -> str:
    """A pivot's text: a random template of the family filled with a random surface form of the value."""
    form = rng.choice(plan.forms.get((family, value), (value,)))
    return rng.choice(plan.templates[family]).format(v=form)


def descriptor_text(plan: MiningPlan, family: str, rng: random.Random) -> str:
    return rng.choice(DESCRIPTOR_TEMPLATES).format(a=rng.choice(plan.aspects.get(family, (family,))))


def _check(attributes: Mapping[str, Mapping[str, str]]) -> None:
    for item_id, attrs in attributes.items():
        if not isinstance(attrs, Mapping):
            raise TripletError(f"item {item_id!r}: attributes must be a family -> value mapping, got "
                               f"{type(attrs).__name__}; give a family -> value mapping such as {{'color': 'red'}}")


def pivot_key(plan: MiningPlan, attrs: Mapping[str, str], family: str) -> tuple | None:
    """Items sharing this key are pivot pairs on `family` when their `family` values differ."""
    if not attrs.get(plan.product_type) or not attrs.get(family):
        return None
    kept = tuple(attrs.get(f) for f in plan.kept_families if f != family)
    if any(v is None for v in kept):
        return None
    return (family, attrs[plan.product_type], kept)


def valid_pivot_targets(attributes: Mapping[str, Mapping[str, str]], vocab: Vocabulary, reference: str, family: str,
                        value: str) -> set[str]:
    """Every item that is a right answer to pivoting `reference` to `family` = `value`."""
    plan = mining_plan(vocab)
    key = pivot_key(plan, attributes[reference], family)
    return {i for i, a in attributes.items()
            if i != reference and a.get(family) == value and pivot_key(plan, a, family) == key}


def valid_descriptor_targets(attributes: Mapping[str, Mapping[str, str]], vocab: Vocabulary, reference: str,
                             family: str) -> set[str]:
    """Every item of the reference's product type sharing its value of `family`."""
    noun = mining_plan(vocab).product_type
    ref = attributes[reference]
    return {i for i, a in attributes.items() if i != reference and a.get(noun) == ref.get(noun)
            and a.get(family) is not None and a.get(family) == ref.get(family)}


def mine_triplets(attributes: Mapping[str, Mapping[str, str]], vocab: Vocabulary,
                  references: Sequence[str] | None = None, targets: Sequence[str] | None = None, *,
                  per_reference: int = 8, seed: int = 0) -> list[Triplet]:
    """Up to `per_reference` triplets per reference (about half pivots), targets drawn from `targets`.

    Deterministic for a seed: items are visited in sorted order with one seeded random.Random.
    """
    plan = mining_plan(vocab)
    noun = plan.product_type
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
        for family in plan.pivot_families:
            key = pivot_key(plan, attrs, family)
            if key is not None:
                pivot_groups[key].append(item_id)
        for family in plan.descriptor_families:
            if attrs.get(noun) and attrs.get(family):
                descriptor_groups[(family, attrs[noun], attrs[family])].append(item_id)
    rng = random.Random(seed)
    out: list[Triplet] = []
    for ref in references:
        attrs = attributes[ref]
        pivots = {family: [t for t in pivot_groups.get(pivot_key(plan, attrs, family), ())
                           if attributes[t][family] != attrs[family]] for family in plan.pivot_families}
        descriptors = {family: [t for t in descriptor_groups.get((family, attrs.get(noun), attrs.get(family)), ())
                                if t != ref] for family in plan.descriptor_families}
        n_descriptors = sum(map(len, descriptors.values()))
        n_pivots = min(sum(map(len, pivots.values())), max(per_reference - n_descriptors, (per_reference + 1) // 2))
        for family, target in balanced_sample(pivots, n_pivots, rng):
            value = attributes[target][family]
            out.append(Triplet(ref, pivot_text(plan, family, value, rng), target, "pivot", family, value))
        for family, target in balanced_sample(descriptors, per_reference - n_pivots, rng):
            out.append(Triplet(ref, descriptor_text(plan, family, rng), target, "descriptor", family, attrs[family]))
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
