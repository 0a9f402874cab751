"""Merchant text for home-goods items: title, description, tags and price, noisy as marketplace listings.

Each item's text is drawn from its own seed. Values are named by their surface forms ("terra cotta",
"mid century", "wicker", "crème", "naturholz"), about 8% of items have no title, and some titles are
recased, misspelled or padded. Wording lives in `listing_words.toml`.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from sample_data.dice import Dice, surface
from sample_data.home.spec import HomeSpec
from sample_data.home.vocabulary import load_home_vocabulary
from sample_data.vocabulary import Vocabulary

LISTING_WORDS_PATH = Path(__file__).with_name("listing_words.toml")
LISTING_STREAM = 41

NO_TITLE_RATE = 0.08
FLUFF_RATE = 0.15
EXTRA_WORDS_RATE = 0.12
TYPO_RATE = 0.06
USELESS_DESCRIPTION_RATE = 0.03
SENTENCE_RATES = {"room": 0.7, "style": 0.65}
TAG_RATES = {"category": 0.9, "color": 0.7, "material": 0.7, "room": 0.5, "style": 0.6}
# (share, casing) of title casings; the rest stay as the template wrote them.
CASINGS = ((0.45, "title"), (0.15, "lower"), (0.04, "upper"))


@dataclass(frozen=True)
class HomeListing:
    """The text and price a merchant attached to one item."""

    title: str | None  # None for about 8% of items
    description: str
    tags: tuple[str, ...]  # 3 to 8 lowercase tags, none containing "|"
    price: float  # USD, 2 decimals


@lru_cache(maxsize=1)
def _words() -> dict:
    with LISTING_WORDS_PATH.open("rb") as fh:
        return tomllib.load(fh)


def _forms(d: Dice, vocab: Vocabulary, spec: HomeSpec) -> dict[str, str]:
    return {family: surface(d, vocab.forms(family, value)) for family, value in spec.attributes().items()}


def _recase(d: Dice, text: str) -> str:
    r = d.u()
    for share, casing in CASINGS:
        if r < share:
            if casing == "title":
                return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))
            return text.lower() if casing == "lower" else text.upper()
        r -= share
    return text


def _typo(d: Dice, text: str) -> str:
    """Misspell one word the typo list knows, if the text has one."""
    typos = _words()["noise"]["typos"]
    words = text.split(" ")
    known = [i for i, w in enumerate(words) if w.lower() in typos]
    if not known:
        return text
    i = d.pick(known)
    typo = typos[words[i].lower()]
    words[i] = typo.capitalize() if words[i][:1].isupper() else typo
    return " ".join(words)


_A_BEFORE_VOWEL = re.compile(r"\b([Aa]) (?=[aeiouAEIOU])")


def _fix_articles(text: str) -> str:
    """'a ivory mug' -> 'an ivory mug'; the article is written before the surface form is drawn."""
    return _A_BEFORE_VOWEL.sub(r"\1n ", text)


def _title(d: Dice, vocab: Vocabulary, spec: HomeSpec) -> str | None:
    w = _words()
    if d.chance(NO_TITLE_RATE):
        return None
    fields = _forms(d, vocab, spec)
    fields["brand"] = d.pick(w["brands"]["names"])
    fields["nickname"] = d.pick(w["titles"]["nicknames"])
    title = d.pick(w["titles"]["templates"]).format(**fields)
    if d.chance(EXTRA_WORDS_RATE):
        title = f"{title} {d.pick(w['noise']['extra'])}"
    if d.chance(FLUFF_RATE):
        fluff = d.pick(w["noise"]["fluff"])
        title = f"{fluff} {title}" if d.chance(0.5) else f"{title} - {fluff}"
    if d.chance(TYPO_RATE):
        title = _typo(d, title)
    return _recase(d, title)


def _description(d: Dice, vocab: Vocabulary, spec: HomeSpec) -> str:
    w = _words()["descriptions"]
    if d.chance(USELESS_DESCRIPTION_RATE):
        return d.pick(w["useless"])
    forms = _forms(d, vocab, spec)
    sentences = [d.pick(w[family]) for family, rate in SENTENCE_RATES.items() if d.chance(rate)]
    sentences = d.shuffled(sentences) + [d.pick(w["filler"]) for _ in range(d.below(3))]
    filled = [s.format(**forms) for s in [d.pick(w["intro"]), *sentences]]
    text = _fix_articles(" ".join(s[:1].upper() + s[1:] for s in filled))
    return _typo(d, text) if d.chance(TYPO_RATE) else text


def _tags(d: Dice, vocab: Vocabulary, spec: HomeSpec) -> tuple[str, ...]:
    generic = _words()["tags"]["generic"]
    tags = [surface(d, vocab.forms(family, getattr(spec, family))).lower()
            for family, rate in TAG_RATES.items() if d.chance(rate)]
    tags.extend(d.pick(generic) for _ in range(1 + d.below(3)))
    unique = list(dict.fromkeys(tags))
    while len(unique) < 3:
        unique = list(dict.fromkeys([*unique, d.pick(generic)]))
    return tuple(d.shuffled(unique)[:8])


def _price(d: Dice, spec: HomeSpec) -> float:
    prices = _words()["prices"]
    median = prices["category"][spec.category] * prices["material"][spec.material]
    price = median * math.exp(prices["sigma"] * d.normal())
    if d.chance(0.4):
        return max(0.99, math.floor(price) + 0.99)  # charm pricing
    return round(max(price, 1.0), 2)


def write_home_listing(spec: HomeSpec, vocab: Vocabulary | None = None) -> HomeListing:
    """The merchant listing of one item, drawn from its seed."""
    vocab = vocab or load_home_vocabulary()
    d = Dice(np.random.default_rng([spec.seed, LISTING_STREAM]))
    return HomeListing(
        title=_title(d, vocab, spec),
        description=_description(d, vocab, spec),
        tags=_tags(d, vocab, spec),
        price=_price(d, spec),
    )
