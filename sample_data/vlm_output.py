"""Imitated raw VLM attribute extraction: key-value pairs as PinLanding's curation receives them.

High recall but noisy, as the PinLanding seed describes: near-duplicate surface forms
("boho", "bohemian"), keys named several ways ("color", "colour", "main color"),
over-specific descriptors ("lace-trim hem with side slit"), some wrong values and keys
that are no attribute family. Wording lives in `vlm_words.toml`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from sample_data.dice import Dice, surface
from sample_data.listing import Listing
from sample_data.spec import ProductSpec, SceneSpec
from sample_data.vocabulary import load_vocabulary

VLM_WORDS_PATH = Path(__file__).with_name("vlm_words.toml")
VLM_STREAM = 12  # rng stream of the extraction, independent of image and text

VISUAL = ("category", "color", "pattern", "material")
TEXTUAL = ("style", "season", "occasion")  # read mostly from the listing's text
# P(the family is reported at all); textual families depend on whether the text names them.
RECALL = {"category": 0.995, "color": 0.995, "pattern": 0.99, "material": 0.99}
RECALL_NAMED_IN_TEXT = 0.9
RECALL_NOT_NAMED = 0.6
# P(a wrong value is reported): a neighbouring colour, a similar fabric, a guess. Half the
# time it replaces the true value, else both are reported and contradict each other.
WRONG = {
    "category": 0.02, "color": 0.05, "pattern": 0.03, "material": 0.05, "style": 0.1, "season": 0.08, "occasion": 0.1,
}
WRONG_REPLACES = 0.5
DUPLICATE_RATE = 0.12  # a second surface form of the same value ("navy" and "navy blue")
CAPITALIZED_RATE = 0.15
ACCENT_RATE = 0.7
DESCRIPTOR_COUNTS = (1, 1, 2, 2, 2, 3, 3, 4)
EXTRA_KEY_RATE = 0.15
BRAND_KEY_RATE = 0.08
# Outfit photos: each piece is seen less well than in a product shot.
SCENE_OBJECT_MISS = 0.05
SCENE_RECALL = {"category": 0.97, "color": 0.95, "pattern": 0.85, "material": 0.8}
SCENE_LEVEL_RATE = 0.7  # style / season / occasion of the whole outfit
SCENE_EXTRA_OBJECT_RATE = 0.2
SCENE_SETTING_RATE = 0.5


@dataclass(frozen=True)
class _VlmWords:
    keys: dict[str, list[str]]
    confusions: dict[str, dict[str, list[str]]]
    descriptors: dict[str, dict[str, list[str]]]  # category -> slot -> phrases
    extra: dict[str, list[str]]
    scene: dict[str, list[str]]
    synonyms: dict[str, dict[str, tuple[str, ...]]]
    values: dict[str, tuple[str, ...]]


@lru_cache(maxsize=1)
def _vlm_words() -> _VlmWords:
    vocab = load_vocabulary()
    with VLM_WORDS_PATH.open("rb") as fh:
        w = tomllib.load(fh)
    descriptors = {}
    for block in w["descriptors"]:
        slots = {k: v for k, v in block.items() if k != "categories"}
        for category in block["categories"]:
            descriptors[category] = slots
    return _VlmWords(
        keys=w["keys"],
        confusions=w["confusions"],
        descriptors=descriptors,
        extra=w["extra"],
        scene=w["scene"],
        synonyms={f.name: {v.name: v.synonyms for v in f.values} for f in vocab.families.values()},
        values={f.name: f.names for f in vocab.families.values()},
    )


def _form(d: Dice, ws: _VlmWords, family: str, value: str) -> str:
    form = surface(d, ws.synonyms[family][value])
    return form.capitalize() if d.chance(CAPITALIZED_RATE) else form


def _wrong(d: Dice, ws: _VlmWords, family: str, value: str) -> str:
    confusable = ws.confusions.get(family, {}).get(value)
    if confusable:
        return d.pick(confusable)
    return d.pick([v for v in ws.values[family] if v != value])


def _named_in(text: str, forms: tuple[str, ...]) -> bool:
    return any(form in text for form in forms)


def _family_pairs(d: Dice, ws: _VlmWords, family: str, value: str, recall: float) -> list[dict]:
    """The pairs reported for one family: maybe none, maybe a wrong value, maybe two forms."""
    if not d.chance(recall):
        return []
    pairs = []
    if d.chance(WRONG[family]):
        pairs.append({"key": d.pick(ws.keys[family]), "value": _form(d, ws, family, _wrong(d, ws, family, value))})
        if d.chance(WRONG_REPLACES):
            return pairs
    pairs.append({"key": d.pick(ws.keys[family]), "value": _form(d, ws, family, value)})
    if d.chance(DUPLICATE_RATE):
        pairs.append({"key": d.pick(ws.keys[family]), "value": _form(d, ws, family, value)})
    return d.shuffled(pairs) if len(pairs) > 1 else pairs


def _descriptors(d: Dice, ws: _VlmWords, spec: ProductSpec, count: int) -> list[dict]:
    slots = ws.descriptors[spec.category]
    color = surface(d, ws.synonyms["color"][spec.color])
    accent = surface(d, ws.synonyms["color"][spec.accent_color]) if spec.accent_color else "contrast"
    pairs = []
    for slot in d.shuffled(list(slots))[:count]:
        pairs.append({"key": slot, "value": d.pick(slots[slot]).format(color=color, accent=accent)})
    return pairs


def raw_vlm_attributes(spec: ProductSpec, listing: Listing) -> list[dict]:
    """The raw key-value pairs a VLM would return for one product's image and text."""
    ws = _vlm_words()
    d = Dice(np.random.default_rng([spec.seed, VLM_STREAM]))
    text = " ".join([listing.title or "", listing.description, *listing.tags]).lower()
    pairs: list[dict] = []
    for family in VISUAL:
        pairs.extend(_family_pairs(d, ws, family, getattr(spec, family), RECALL[family]))
    if spec.accent_color and d.chance(ACCENT_RATE):
        pairs.append({"key": d.pick(ws.keys["accent"]), "value": _form(d, ws, "color", spec.accent_color)})
    for family in TEXTUAL:
        value = getattr(spec, family)
        recall = RECALL_NAMED_IN_TEXT if _named_in(text, ws.synonyms[family][value]) else RECALL_NOT_NAMED
        pairs.extend(_family_pairs(d, ws, family, value, recall))
    pairs.extend(_descriptors(d, ws, spec, d.pick(DESCRIPTOR_COUNTS)))
    if d.chance(EXTRA_KEY_RATE):
        key = d.pick(list(ws.extra))
        pairs.append({"key": key, "value": d.pick(ws.extra[key])})
    if d.chance(BRAND_KEY_RATE):
        pairs.append({"key": "brand", "value": listing.brand})
    # A VLM usually names the product first; the rest comes in no fixed order.
    head, rest = pairs[:1], pairs[1:]
    if head and head[0]["key"] in ws.keys["category"] and d.chance(0.8):
        return head + d.shuffled(rest)
    return d.shuffled(pairs)


def _mode(values: list[str]) -> str:
    return max(values, key=lambda v: (values.count(v), -values.index(v)))


def raw_vlm_scene_attributes(scene: SceneSpec, members: Sequence[ProductSpec]) -> list[dict]:
    """Pairs for an outfit photo; each piece's pairs carry "object" (1-based), outfit-level ones do not."""
    if not members:
        raise ValueError(f"scene {scene.item_id} got no member specs; pass the ProductSpecs of {scene.members}")
    ids = tuple(m.item_id for m in members)
    if ids != tuple(scene.members):
        raise ValueError(f"scene {scene.item_id} has members {scene.members}, but the specs passed are {ids}")
    ws = _vlm_words()
    d = Dice(np.random.default_rng([scene.seed, VLM_STREAM]))
    seen = [m for m in members if not d.chance(SCENE_OBJECT_MISS)] or [members[0]]
    pairs: list[dict] = []
    for index, member in enumerate(seen, start=1):
        for family in VISUAL:
            for pair in _family_pairs(d, ws, family, getattr(member, family), SCENE_RECALL[family]):
                pairs.append({"object": index, **pair})
        if d.chance(0.5):
            pairs.extend({"object": index, **p} for p in _descriptors(d, ws, member, 1))
    if d.chance(SCENE_EXTRA_OBJECT_RATE):
        pairs.append({"object": len(seen) + 1, "key": "category", "value": d.pick(ws.scene["extra_objects"])})
    for family in TEXTUAL:
        if d.chance(SCENE_LEVEL_RATE):
            value = _mode([getattr(m, family) for m in members])
            if d.chance(WRONG[family]):
                value = _wrong(d, ws, family, value)
            pairs.append({"key": d.pick(ws.keys[family]), "value": _form(d, ws, family, value)})
    if d.chance(SCENE_SETTING_RATE):
        pairs.append({"key": "setting", "value": d.pick(ws.scene["setting"])})
    return pairs
