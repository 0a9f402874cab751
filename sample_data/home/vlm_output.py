"""Imitated raw VLM attribute extraction for home goods: key-value pairs as curation receives them.

One {"item_id", "attributes": [{"key", "value"}, ...]} a line, the shape the `jsonl` extractor
reads. Keys are named several ways ("colour", "main color", "made of", "best room", "design
style"), values by their surface forms with the odd capital, some values are wrong (a neighbouring
colour), some families are missed, a few keys are no family ("finish") and one key is seen on a
single item only. Wording lives in `vlm_words.toml`.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

import numpy as np

from sample_data.dice import Dice, surface
from sample_data.home.listing import HomeListing
from sample_data.home.spec import HomeSpec
from sample_data.home.vocabulary import load_home_vocabulary
from sample_data.vocabulary import Vocabulary

VLM_WORDS_PATH = Path(__file__).with_name("vlm_words.toml")
VLM_STREAM = 51

# P(the family is reported); room and style are read from the text when it names them.
RECALL = {"category": 0.995, "color": 0.99, "material": 0.97}
RECALL_NAMED_IN_TEXT = 0.9
RECALL_NOT_NAMED = 0.55
# P(a wrong value is reported); half the time it replaces the true value, else both are reported.
WRONG = {"category": 0.02, "color": 0.05, "material": 0.06, "room": 0.1, "style": 0.12}
WRONG_REPLACES = 0.5
DUPLICATE_RATE = 0.1  # a second surface form of the same value ("sage" and "sage green")
CAPITALIZED_RATE = 0.15
EXTRA_KEY_RATE = 0.25


@lru_cache(maxsize=1)
def _vlm_words() -> dict:
    with VLM_WORDS_PATH.open("rb") as fh:
        return tomllib.load(fh)


def _form(d: Dice, vocab: Vocabulary, family: str, value: str) -> str:
    form = surface(d, vocab.forms(family, value))
    return form.capitalize() if d.chance(CAPITALIZED_RATE) else form


def _family_pairs(d: Dice, vocab: Vocabulary, family: str, value: str, recall: float) -> list[dict]:
    """The pairs reported for one family: maybe none, maybe a wrong value, maybe two forms."""
    w = _vlm_words()
    if not d.chance(recall):
        return []
    pairs = []
    if d.chance(WRONG[family]):
        wrong = d.pick(w["confusions"][family][value])
        pairs.append({"key": d.pick(w["keys"][family]), "value": _form(d, vocab, family, wrong)})
        if d.chance(WRONG_REPLACES):
            return pairs
    pairs.append({"key": d.pick(w["keys"][family]), "value": _form(d, vocab, family, value)})
    if d.chance(DUPLICATE_RATE):
        pairs.append({"key": d.pick(w["keys"][family]), "value": _form(d, vocab, family, value)})
    return d.shuffled(pairs) if len(pairs) > 1 else pairs


def home_vlm_attributes(spec: HomeSpec, listing: HomeListing, one_off: bool = False,
                        vocab: Vocabulary | None = None) -> list[dict]:
    """The raw key-value pairs a VLM would return for one item; `one_off` adds the key no other item has."""
    vocab = vocab or load_home_vocabulary()
    w = _vlm_words()
    d = Dice(np.random.default_rng([spec.seed, VLM_STREAM]))
    text = " ".join([listing.title or "", listing.description, *listing.tags]).lower()
    pairs: list[dict] = []
    for family, value in spec.attributes().items():
        if family in RECALL:
            recall = RECALL[family]
        else:
            named = any(form.lower() in text for form in vocab.forms(family, value))
            recall = RECALL_NAMED_IN_TEXT if named else RECALL_NOT_NAMED
        pairs.extend(_family_pairs(d, vocab, family, value, recall))
    if d.chance(EXTRA_KEY_RATE):
        key = d.pick(list(w["extra"]))
        pairs.append({"key": key, "value": d.pick(w["extra"][key])})
    if one_off:
        pairs.append({"key": w["one_off"]["key"], "value": d.pick(w["one_off"]["values"])})
    # A VLM usually names the product first; the rest comes in no fixed order.
    if pairs and pairs[0]["key"] in w["keys"]["category"] and d.chance(0.8):
        return pairs[:1] + d.shuffled(pairs[1:])
    return d.shuffled(pairs)
