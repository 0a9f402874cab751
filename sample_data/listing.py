"""Merchant text for sample items: title, description, tags, brand, price and board titles.

Everything is drawn from the item's own seed, so an item's text never depends on which
other items are generated. The noise (missing titles, synonyms, fluff, typos, casing,
the odd misleading word) imitates marketplace catalogs, as the OmniSearchSage seed
describes them. Wording lives in `listing_words.toml` and `board_titles.toml`.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from sample_data.dice import Dice, surface
from sample_data.spec import ProductSpec, SceneSpec
from sample_data.vocabulary import load_vocabulary

WORDS_PATH = Path(__file__).with_name("listing_words.toml")
BOARDS_PATH = Path(__file__).with_name("board_titles.toml")
LISTING_STREAM = 11  # rng stream of the text, independent of the image's rng

NO_TITLE_RATE = 0.15  # share of items with no title at all
FLUFF_RATE = 0.2
EXTRA_WORDS_RATE = 0.15
MISLEADING_RATE = 0.02  # a wrong colour or material word in the title
TYPO_RATE = 0.05
USELESS_DESCRIPTION_RATE = 0.03
DISTRACTOR_RATE = 0.08  # "pairs with red accessories": another colour, truthfully mentioned
# (share, casing) of title casings, the rest left as the template wrote it.
CASINGS = ((0.45, "title"), (0.12, "lower"), (0.05, "upper"), (0.03, "odd"))
# Mentions in the description: how often each family's sentence is kept.
SENTENCE_RATES = {"pattern": 0.75, "solid": 0.2, "style": 0.65, "season": 0.55, "occasion": 0.6}
# Merchant tags: how often each family contributes one.
TAG_RATES = {
    "category": 0.9, "color": 0.7, "material": 0.6, "pattern": 0.5, "style": 0.6, "season": 0.5, "occasion": 0.5,
}
BOARD_COUNT_WEIGHTS = (0.18, 0.22, 0.22, 0.17, 0.12, 0.09)  # P(0 boards), P(1), ... P(5)
# Where a board title comes from: mostly season, occasion and style, as on Pinterest.
BOARD_SOURCES = (
    ("season", 0.22), ("occasion", 0.22), ("style", 0.2), ("color", 0.1), ("category", 0.12),
    ("pair", 0.06),  # a season x occasion board: "summer wedding guest"
    ("generic", 0.08),  # "Wishlist", "Clothes": says nothing about the item
)
BOARD_WRONG_RATE = 0.06  # a board about another value of the family (users save loosely)
BOARD_YEARS = ("2024", "2025", "2026")


@dataclass(frozen=True)
class Listing:
    """The text and price a merchant (and the users who saved it) attached to one item."""

    title: str | None  # None for about 15% of items, as on real platforms
    description: str
    tags: tuple[str, ...]  # 3 to 8 lowercase merchant tags
    brand: str
    price: float  # USD, 2 decimals
    board_titles: tuple[str, ...]  # 0 to 5 titles of boards users saved the item to


@dataclass(frozen=True)
class _Words:
    """The parsed wording files plus the vocabulary's surface forms, ready for drawing."""

    w: dict
    boards: dict
    synonyms: dict[str, dict[str, tuple[str, ...]]]  # family -> value -> surface forms
    values: dict[str, tuple[str, ...]]  # family -> value names
    brands: tuple[tuple[str, float], ...]  # (name, price factor of its tier)
    board_source_cum: tuple[float, ...]
    board_count_cum: tuple[float, ...]


@lru_cache(maxsize=1)
def _words() -> _Words:
    vocab = load_vocabulary()
    with WORDS_PATH.open("rb") as fh:
        w = tomllib.load(fh)
    with BOARDS_PATH.open("rb") as fh:
        boards = tomllib.load(fh)
    tiers = w["prices"]["tier"]
    brands = tuple((name, float(tiers[tier])) for tier in ("budget", "mid", "premium") for name in w["brands"][tier])
    return _Words(
        w=w,
        boards=boards,
        synonyms={f.name: {v.name: v.synonyms for v in f.values} for f in vocab.families.values()},
        values={f.name: f.names for f in vocab.families.values()},
        brands=brands,
        board_source_cum=tuple(np.cumsum([p for _, p in BOARD_SOURCES]).tolist()),
        board_count_cum=tuple(np.cumsum(BOARD_COUNT_WEIGHTS).tolist()),
    )


def is_plural(noun: str) -> bool:
    """'jeans', 'boots', 'kicks' are plural; 'dress' is not."""
    return noun.endswith("s") and not noun.endswith("ss")


def _forms(d: Dice, ws: _Words, attrs: dict[str, str]) -> dict[str, str]:
    return {family: surface(d, ws.synonyms[family][value]) for family, value in attrs.items()}


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _recase(d: Dice, text: str) -> str:
    r = d.u()
    for share, casing in CASINGS:
        if r < share:
            break
        r -= share
    else:
        return text
    if casing == "title":
        return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))
    if casing == "lower":
        return text.lower()
    if casing == "upper":
        return text.upper()
    return " ".join(w.upper() if d.chance(0.4) else w for w in text.split(" "))


def _typo(d: Dice, ws: _Words, text: str) -> str:
    """Misspell one known word if there is one, else swap two letters of a long word."""
    words = text.split(" ")
    typos = ws.w["noise"]["typos"]
    known = [i for i, word in enumerate(words) if word.lower() in typos]
    if known:
        i = d.pick(known)
        typo = typos[words[i].lower()]
        words[i] = typo.capitalize() if words[i][:1].isupper() else typo
        return " ".join(words)
    long = [i for i, word in enumerate(words) if len(word) > 4 and word.isalpha()]
    if not long:
        return text
    i = d.pick(long)
    word = words[i]
    j = 1 + d.below(len(word) - 2)
    words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    return " ".join(words)


def _wrong_word(d: Dice, ws: _Words, spec: ProductSpec) -> str:
    family = "color" if d.chance(0.7) else "material"
    truth = getattr(spec, family)
    other = d.pick([v for v in ws.values[family] if v != truth])
    return ws.synonyms[family][other][0]


def _title(d: Dice, ws: _Words, spec: ProductSpec, brand: str) -> str | None:
    if d.chance(NO_TITLE_RATE):
        return None
    fields = _forms(d, ws, spec.attributes())
    if spec.pattern == "solid" and d.chance(0.8):
        fields["pattern"] = ""  # merchants rarely call a plain item "solid"
    fields["brand"] = brand
    fields["nickname"] = d.pick(ws.w["titles"]["nicknames"])
    words = d.pick(ws.w["titles"]["templates"]).format(**fields).split()
    noise = ws.w["noise"]
    if d.chance(MISLEADING_RATE):
        words.insert(d.below(len(words) + 1), _wrong_word(d, ws, spec))
    if d.chance(EXTRA_WORDS_RATE):
        words.extend(d.pick(noise["extra"]).split())
    title = " ".join(words)
    if d.chance(FLUFF_RATE):
        fluff = d.pick(noise["fluff"])
        title = f"{fluff} {title}" if d.chance(0.5) else f"{title} - {fluff}"
    if d.chance(TYPO_RATE):
        title = _typo(d, ws, title)
    return _recase(d, title)


def _grammar(noun: str) -> dict[str, str]:
    plural = is_plural(noun)
    return {"This": "These" if plural else "This", "this": "these" if plural else "this",
            "is": "are" if plural else "is", "it": "them" if plural else "it",
            "comes": "come" if plural else "comes"}


_A_BEFORE_VOWEL = re.compile(r"\b([Aa]) (?=[aeiouAEIOU])")


def fix_articles(text: str) -> str:
    """'a ivory gown' -> 'an ivory gown', since the article is written before the synonym is drawn."""
    return _A_BEFORE_VOWEL.sub(r"\1n ", text)


def _description(d: Dice, ws: _Words, spec: ProductSpec) -> str:
    words = ws.w["descriptions"]
    if d.chance(USELESS_DESCRIPTION_RATE):
        return d.pick(words["useless"])
    forms = _forms(d, ws, spec.attributes())
    forms.update(_grammar(forms["category"]))
    sentences = []
    if spec.pattern == "solid":
        if d.chance(SENTENCE_RATES["solid"]):
            sentences.append(d.pick(words["solid"]))
    elif d.chance(SENTENCE_RATES["pattern"]):
        sentences.append(d.pick(words["pattern"]))
    for family in ("style", "season", "occasion"):
        if d.chance(SENTENCE_RATES[family]):
            forms[family] = surface(d, ws.synonyms[family][getattr(spec, family)])
            sentences.append(d.pick(words[family]))
    if d.chance(DISTRACTOR_RATE):
        other = d.pick([v for v in ws.values["color"] if v != spec.color])
        sentences.append(f"Pairs beautifully with {other} accessories.")
    sentences = d.shuffled(sentences)
    sentences.extend(d.pick(words["filler"]) for _ in range(d.below(3)))
    text = fix_articles(" ".join(_sentence_case(s.format(**forms)) for s in [d.pick(words["intro"]), *sentences]))
    if d.chance(TYPO_RATE):
        text = _typo(d, ws, text)
    if d.chance(FLUFF_RATE / 2):
        text = f"{d.pick(ws.w['noise']['fluff']).upper()}! {text}"
    return text


def _tags(d: Dice, ws: _Words, attrs: dict[str, str], pattern_solid: bool) -> tuple[str, ...]:
    tags: list[str] = []
    for family, rate in TAG_RATES.items():
        if family == "pattern" and pattern_solid:
            rate = 0.15
        if family in attrs and d.chance(rate):
            tags.append(surface(d, ws.synonyms[family][attrs[family]]).lower())
    tags.extend(d.pick(ws.w["tags"]["generic"]) for _ in range(1 + d.below(3)))
    unique = list(dict.fromkeys(tags))
    while len(unique) < 3:
        unique = list(dict.fromkeys([*unique, d.pick(ws.w["tags"]["generic"])]))
    return tuple(d.shuffled(unique)[:8])


def _price(d: Dice, ws: _Words, spec: ProductSpec, tier_factor: float) -> float:
    prices = ws.w["prices"]
    median = prices["category"][spec.category] * prices["material"][spec.material] * tier_factor
    price = median * math.exp(prices["sigma"] * d.normal())
    if d.chance(0.4):
        return max(0.99, math.floor(price) + 0.99)  # charm pricing
    return round(max(price, 1.0), 2)


def _board(d: Dice, ws: _Words, attrs: dict[str, str]) -> str:
    source = BOARD_SOURCES[d.weighted(ws.board_source_cum)][0]
    boards = ws.boards
    if source == "generic":
        return d.pick(boards["generic"])
    if source == "pair":
        season, occasion = attrs["season"], attrs["occasion"]
        title = d.pick(boards["pairs"]["templates"]).format(
            season=season, Season=season.capitalize(), occasion=boards["pairs"]["occasion"][occasion],
            year=d.pick(BOARD_YEARS))
    else:
        value = attrs[source]
        if d.chance(BOARD_WRONG_RATE):
            value = d.pick(ws.values[source])
        title = d.pick(boards["values"][source][value]).format(year=d.pick(BOARD_YEARS))
    return title.lower() if d.chance(0.25) else title


def _boards(d: Dice, ws: _Words, attrs: dict[str, str], extra: Sequence[str] = ()) -> tuple[str, ...]:
    n = d.weighted(ws.board_count_cum)
    titles = [_board(d, ws, attrs) for _ in range(n)]
    if n and extra and d.chance(0.5):
        titles[0] = d.pick(extra)
    return tuple(dict.fromkeys(titles))


def write_listing(spec: ProductSpec) -> Listing:
    """The merchant listing of one product, drawn from its seed."""
    ws = _words()
    d = Dice(np.random.default_rng([spec.seed, LISTING_STREAM]))
    brand, tier_factor = d.pick(ws.brands)
    return Listing(
        title=_title(d, ws, spec, brand),
        description=_description(d, ws, spec),
        tags=_tags(d, ws, spec.attributes(), spec.pattern == "solid"),
        brand=brand,
        price=_price(d, ws, spec, tier_factor),
        board_titles=_boards(d, ws, spec.attributes()),
    )


def _mode(values: Sequence[str]) -> str:
    """The most common value, the earliest on ties (so the result is stable)."""
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return max(counts, key=lambda v: (counts[v], -values.index(v)))


def _piece(d: Dice, ws: _Words, spec: ProductSpec) -> str:
    color = surface(d, ws.synonyms["color"][spec.color])
    category = surface(d, ws.synonyms["category"][spec.category])
    if d.chance(0.5):
        return f"{color} {surface(d, ws.synonyms['material'][spec.material])} {category}"
    return f"{color} {category}" if is_plural(category) else f"a {color} {category}"


def _join(pieces: list[str]) -> str:
    return pieces[0] if len(pieces) == 1 else ", ".join(pieces[:-1]) + " and " + pieces[-1]


def write_scene_listing(scene: SceneSpec, members: Sequence[ProductSpec]) -> Listing:
    """The pin text of an outfit photo; brand is the first piece's, price the sum of the pieces."""
    if not members:
        raise ValueError(f"scene {scene.item_id} got no member specs; pass the ProductSpecs of {scene.members}")
    ids = tuple(m.item_id for m in members)
    if ids != tuple(scene.members):
        raise ValueError(f"scene {scene.item_id} has members {scene.members}, but the specs passed are {ids}")
    ws = _words()
    words = ws.w["scenes"]
    d = Dice(np.random.default_rng([scene.seed, LISTING_STREAM]))
    pieces = [write_listing(m) for m in members]
    attrs = {f: _mode([getattr(m, f) for m in members]) for f in ("season", "occasion", "style")}
    first, second = members[0], members[-1]
    fields = _forms(d, ws, attrs)
    fields.update(
        occasion_look=d.pick(words["occasion_looks"][attrs["occasion"]]),
        color=surface(d, ws.synonyms["color"][first.color]),
        category=surface(d, ws.synonyms["category"][first.category]),
        color2=surface(d, ws.synonyms["color"][second.color]),
        category2=surface(d, ws.synonyms["category"][second.category]),
    )
    title = None
    if not d.chance(NO_TITLE_RATE):
        title = _recase(d, fix_articles(_sentence_case(d.pick(words["titles"]).format(**fields))))
    fields["pieces"] = _join([_piece(d, ws, m) for m in members])
    description = fix_articles(
        " ".join(_sentence_case(d.pick(words[part]).format(**fields)) for part in ("intro", "outro")))
    tags = [d.pick(words["tags"]) for _ in range(1 + d.below(2))]
    for m in members:
        tags.append(surface(d, ws.synonyms["category"][m.category]).lower())
        if d.chance(0.5):
            tags.append(surface(d, ws.synonyms["color"][m.color]).lower())
    tags.extend(fields[f].lower() for f in ("season", "style") if d.chance(0.4))
    unique = list(dict.fromkeys(tags))
    while len(unique) < 3:
        unique = list(dict.fromkeys([*unique, d.pick(words["tags"])]))
    unique = d.shuffled(unique)[:8]
    scene_attrs = {**first.attributes(), **attrs}
    return Listing(
        title=title,
        description=description,
        tags=tuple(unique),
        brand=pieces[0].brand,
        price=round(sum(p.price for p in pieces), 2),
        board_titles=_boards(d, ws, scene_attrs, extra=("Outfit ideas", "outfit inspo", "What to wear")),
    )
