"""Which queries users type: Zipf popularity over attribute intents, phrasing, refinements."""

from __future__ import annotations

import numpy as np

from sample_data.dice import Dice, surface
from sample_data.search_log.intents import DIGIT_BITS, Words, intent_dict, intent_key, intent_values, load_words

ZIPF_S = 1.1  # popularity exponent over the ranked distinct queries
EXTRA_COUNT_P = (0.3, 0.36, 0.22, 0.12)  # P(0..3 families besides the category)
# How often a family joins an intent: colour most, as in fashion search.
QUERY_FAMILY_WEIGHTS = {
    "color": 0.32, "material": 0.14, "pattern": 0.12, "season": 0.14, "occasion": 0.16, "style": 0.12,
}
# Values users seldom type even when the item has them ("solid t-shirt"): dropped this often.
SELDOM_SEARCHED = {("pattern", "solid"): 0.7}
VARIANT_SHARES = (1.0, 0.4, 0.2)  # phrasings of one intent: the canonical one, then two others
REFINE_OPTION_P = (0.55, 0.3, 0.15)  # each query has three refinements users pick from
ADD_FAMILY_RATE = 0.65  # a refinement adds a family (else changes a value)
SWITCH_CATEGORY_RATE = 0.08  # "black dress" -> "black skirt"
# Phrasing noise of non-canonical variants.
PLURAL_RATE = 0.2
OCCASION_AFTER_RATE = 0.4
SEASON_AFTER_RATE = 0.25
SHUFFLE_RATE = 0.15
CATEGORY_FIRST_RATE = 0.05
FILLER_RATE = 0.06
PREFIX_RATE = 0.05
SUFFIX_RATE = 0.05
TYPO_RATE = 0.03


def query_pool(rng: np.random.Generator, codes: np.ndarray, ws: Words, n_draws: int):
    """Distinct (intent key, phrasing variant) pairs, most popular first.

    Intents are sampled from the catalog itself (a random product, a random subset of its
    other families), so popular intents are built from common values and combinations exist.
    """
    others = ws.families[1:]
    weights = np.array([QUERY_FAMILY_WEIGHTS[f] for f in others])
    picked = codes[rng.integers(len(codes), size=n_draws)].astype(np.int64) + 1
    k = rng.choice(len(EXTRA_COUNT_P), size=n_draws, p=EXTRA_COUNT_P)
    # Gumbel top-k draws k families without replacement, in proportion to their weights.
    keys = np.log(weights) + rng.gumbel(size=(n_draws, len(others)))
    rank = np.argsort(np.argsort(-keys, axis=1), axis=1)
    extras = np.where(rank < k[:, None], picked[:, 1:], 0)
    for (family, value), rate in SELDOM_SEARCHED.items():
        column = others.index(family)
        seldom = (extras[:, column] == ws.values[family].index(value) + 1) & (rng.random(n_draws) < rate)
        extras[seldom, column] = 0
    digits = np.concatenate([picked[:, :1], extras], axis=1)
    intent = (digits << (DIGIT_BITS * np.arange(len(ws.families), dtype=np.int64))).sum(axis=1)
    unique, counts = np.unique(intent, return_counts=True)
    shares = np.array(VARIANT_SHARES)
    popularity = counts[:, None] * shares[None, :] * rng.lognormal(0.0, 0.25, size=(len(unique), len(shares)))
    order = np.argsort(-popularity.ravel(), kind="stable")
    return unique[order // len(shares)], order % len(shares)


def zipf_cumulative(n: int) -> np.ndarray:
    p = np.arange(1, n + 1, dtype=float) ** -ZIPF_S
    return np.cumsum(p / p.sum())


def _swap_letters(d: Dice, words: list[str]) -> list[str]:
    long = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if long:
        i = d.pick(long)
        w = words[i]
        j = 1 + d.below(len(w) - 2)
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return words


def render_query(d: Dice, intent: dict[str, str], canonical: bool) -> str:
    """A query string for an intent: the plain canonical phrasing, or a noisy variant."""
    ws = load_words()
    q = ws.q
    chance = (lambda p: False) if canonical else d.chance
    pick = (lambda seq: seq[0]) if canonical else d.pick

    def form(family: str) -> str:
        forms = ws.synonyms[family][intent[family]]
        return forms[0] if canonical else surface(d, forms)

    category = form("category")
    if category == intent["category"] and category in q["plurals"] and chance(PLURAL_RATE):
        category = q["plurals"][category]
    occasion, season = intent.get("occasion"), intent.get("season")
    occasion_after = occasion is not None and chance(OCCASION_AFTER_RATE)
    season_after = season is not None and chance(SEASON_AFTER_RATE)
    pre: list[str] = []
    post: list[str] = []
    if "style" in intent:
        pre.append(form("style"))
    if occasion_after and season_after:
        post.append(q["occasion"]["with_season"][occasion].format(season=form("season")))
    elif season is not None:
        if season_after:
            post.append(pick(q["season"]["post"]).format(season=form("season"), year=pick(q["season"]["years"])))
        else:
            pre.append(form("season"))
    for family in ("color", "pattern", "material"):
        if family in intent:
            pre.append(form(family))
    if occasion is not None and not (occasion_after and season_after):
        if occasion_after:
            post.append(pick(q["occasion"]["post"][occasion]))
        else:
            pre.append(pick(q["occasion"]["pre"][occasion]))
    if chance(SHUFFLE_RATE):
        pre = d.shuffled(pre)
    if chance(FILLER_RATE):
        pre.insert(0, d.pick(q["noise"]["fillers"]))
    words = [category, *pre, *post] if pre and chance(CATEGORY_FIRST_RATE) else [*pre, category, *post]
    if chance(PREFIX_RATE):
        words.insert(0, d.pick(q["noise"]["prefixes"]))
    if chance(SUFFIX_RATE):
        words.append(d.pick(q["noise"]["suffixes"]))
    words = " ".join(words).split()
    if chance(TYPO_RATE):
        words = _swap_letters(d, words)
    return " ".join(words).lower()


class Queries:
    """Distinct queries used in a run, each phrased once (so a popular query is one string)."""

    def __init__(self, d: Dice, codes: np.ndarray, ws: Words, pool_keys: np.ndarray, pool_variants: np.ndarray):
        self.d, self.codes, self.ws = d, codes, ws
        self.pool_keys, self.pool_variants = pool_keys, pool_variants
        self.text: list[str] = []
        self.intent: list[int] = []
        self.canonical: list[bool] = []
        self._from_pool: dict[int, int] = {}
        self._refined: dict[tuple[int, int], int] = {}
        cats = codes[:, 0]
        self._by_category = {int(c): np.flatnonzero(cats == c) for c in np.unique(cats)}

    def _add(self, key: int, canonical: bool) -> int:
        self.text.append(render_query(self.d, intent_dict(self.ws, key), canonical))
        self.intent.append(key)
        self.canonical.append(canonical)
        return len(self.text) - 1

    def from_pool(self, rank: int) -> int:
        qid = self._from_pool.get(rank)
        if qid is None:
            qid = self._add(int(self.pool_keys[rank]), bool(self.pool_variants[rank] == 0))
            self._from_pool[rank] = qid
        return qid

    def refined(self, qid: int, option: int) -> int:
        found = self._refined.get((qid, option))
        if found is None:
            found = self._add(self._refine(self.intent[qid]), self.canonical[qid])
            self._refined[(qid, option)] = found
        return found

    def _refine(self, key: int) -> int:
        """Add one family, change one value, or switch to a related category."""
        d, ws = self.d, self.ws
        digits = intent_values(key, len(ws.families))
        category = ws.values["category"][digits[0] - 1]
        related = ws.q["related_categories"].get(category, [])
        if related and d.chance(SWITCH_CATEGORY_RATE):
            digits[0] = ws.values["category"].index(d.pick(related)) + 1
            return intent_key(digits)
        # Values come from a random product of the category, so refinements stay plausible.
        same_category = self._by_category.get(digits[0] - 1)
        example = self.codes[same_category[d.below(len(same_category))]] if same_category is not None else None
        present = [j for j in range(1, len(digits)) if digits[j]]
        absent = [j for j in range(1, len(digits)) if not digits[j]]
        if absent and len(present) < 3 and (not present or d.chance(ADD_FAMILY_RATE)):
            weights = np.cumsum([QUERY_FAMILY_WEIGHTS[ws.families[j]] for j in absent]).tolist()
            j = absent[d.weighted(weights)]
            digits[j] = int(example[j]) + 1 if example is not None else 1 + d.below(len(ws.values[ws.families[j]]))
            return intent_key(digits)
        j = d.pick(present)
        n_values = len(ws.values[ws.families[j]])
        new = int(example[j]) + 1 if example is not None else digits[j]
        if new == digits[j]:
            new = 1 + (digits[j] + d.below(n_values - 1)) % n_values  # any other value
        digits[j] = new
        return intent_key(digits)
