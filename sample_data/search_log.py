"""A simulated search log over the sample catalog: queries, sessions, refinements, impressions, engagement.

Queries express attribute intents (a category plus 0-3 other families) and follow a Zipf
popularity over a ranked list of distinct queries. A noisy "production ranker" shows ten
products per query, and clicks follow a position-biased examination model times an
attractiveness that grows with how many intent attributes the item truly has. The log
feeds the engagement features, engaged queries and query-query pairs of OmniSearchSage.
Wording lives in `query_words.toml`.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sample_data.dice import Dice, surface
from sample_data.spec import ProductSpec
from sample_data.vocabulary import load_vocabulary

QUERY_WORDS_PATH = Path(__file__).with_name("query_words.toml")

WINDOW_END = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
WINDOW_DAYS = 60
RESULTS_PER_SEARCH = 10
DIGIT_BITS = 5  # bits per family in an intent key; a family may have up to 31 values
ZIPF_S = 1.1  # popularity exponent over the ranked distinct queries
EXTRA_COUNT_P = (0.3, 0.36, 0.22, 0.12)  # P(0..3 families besides the category)
# How often a family joins an intent: colour most, as in fashion search.
QUERY_FAMILY_WEIGHTS = {
    "color": 0.32, "material": 0.14, "pattern": 0.12, "season": 0.14, "occasion": 0.16, "style": 0.12,
}
# Values users seldom type even when the item has them ("solid t-shirt"): dropped this often.
SELDOM_SEARCHED = {("pattern", "solid"): 0.7}
VARIANT_SHARES = (1.0, 0.4, 0.2)  # phrasings of one intent: the canonical one, then two others
POOL_DRAWS_PER_SEARCH = 3  # intents sampled to estimate popularity, per search asked for
# Sessions: a refinement chain of one or two queries, and sometimes an unrelated query.
REFINE_RATE = 0.25
SECOND_REFINE_RATE = 0.3
OTHER_QUERY_RATE = 0.12
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
# The production ranker: points per matched attribute, noise, and outright mistakes.
CATEGORY_POINTS = 3.0
RANKER_NOISE = 0.35
RANKER_ERROR_RATE = 0.06  # a slot holding an unrelated product
# Per search, neighbouring results trade places now and then (index refreshes, tie-breaks),
# which also lets position bias be told apart from the ranking.
SWAP_RATE = 0.15
GROUP_CAP = RESULTS_PER_SEARCH  # candidates drawn from one attribute group (no more can be shown)
# Engagement.
EXAMINE_POWER = 0.7  # P(examine | position) = position ** -EXAMINE_POWER
ATTRACT_OFF_CATEGORY = 0.02
ATTRACT_BASE = 0.05  # right category, none of the other intent attributes
ATTRACT_GAIN = 0.4  # added in proportion to the share of other intent attributes matched
LONG_CLICK_BASE, LONG_CLICK_GAIN = 0.2, 0.5
SAVE_BASE, SAVE_GAIN = 0.04, 0.26
SEARCH_GAP_S = 40.0  # mean seconds between searches of a session
REFINE_GAP_S = 15.0

SEARCHES_SCHEMA = pa.schema([
    ("search_id", pa.int64()),
    ("session_id", pa.int64()),
    ("ts", pa.timestamp("s", tz="UTC")),
    ("query", pa.string()),
    ("intent", pa.string()),  # JSON of the attribute dict the query expresses (ground truth)
    ("refined_from", pa.int64()),  # search_id this query refines, null otherwise
])
IMPRESSIONS_SCHEMA = pa.schema([
    ("search_id", pa.int64()),
    ("position", pa.int16()),  # 1-based
    ("item_id", pa.string()),
    ("clicked", pa.bool_()),
    ("long_click", pa.bool_()),
    ("saved", pa.bool_()),
])


@dataclass(frozen=True)
class SearchLog:
    """Searches (one row per query issued) and impressions (ten rows per search)."""

    searches: pa.Table
    impressions: pa.Table

    def write(self, directory: str | Path) -> Path:
        """Write search_log/searches.parquet and search_log/impressions.parquet; return the folder.

        Parquet has no seconds unit, so `ts` is stored as timestamp[ms, tz=UTC] (whole seconds).
        """
        folder = Path(directory) / "search_log"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(self.searches, folder / "searches.parquet")
        pq.write_table(self.impressions, folder / "impressions.parquet")
        return folder


# ---- vocabulary as codes ---------------------------------------------------------


@dataclass(frozen=True)
class _Words:
    families: tuple[str, ...]  # vocabulary order, category first
    values: dict[str, tuple[str, ...]]
    synonyms: dict[str, dict[str, tuple[str, ...]]]
    q: dict  # query_words.toml


@lru_cache(maxsize=1)
def _words() -> _Words:
    vocab = load_vocabulary()
    families = vocab.family_names
    if families[0] != "category":
        raise ValueError(f"the vocabulary must list category first, it lists {families}")
    with QUERY_WORDS_PATH.open("rb") as fh:
        q = tomllib.load(fh)
    return _Words(
        families=families,
        values={f.name: f.names for f in vocab.families.values()},
        synonyms={f.name: {v.name: v.synonyms for v in f.values} for f in vocab.families.values()},
        q=q,
    )


def _codes(products: Sequence[ProductSpec], ws: _Words) -> np.ndarray:
    """(n, families) value indices of the products' true attributes."""
    index = {f: {v: i for i, v in enumerate(ws.values[f])} for f in ws.families}
    return np.array([[index[f][getattr(p, f)] for f in ws.families] for p in products], dtype=np.int16)


def _intent_key(values: Sequence[int]) -> int:
    """One integer per intent: digit j (base 32) is family j's value index + 1, or 0 when absent."""
    return sum(int(v) << (DIGIT_BITS * j) for j, v in enumerate(values))


def _intent_values(key: int, n_families: int) -> list[int]:
    return [(key >> (DIGIT_BITS * j)) & (2**DIGIT_BITS - 1) for j in range(n_families)]


def _intent_dict(ws: _Words, key: int) -> dict[str, str]:
    digits = _intent_values(key, len(ws.families))
    return {f: ws.values[f][v - 1] for f, v in zip(ws.families, digits) if v}


# ---- query popularity --------------------------------------------------------------


def _query_pool(rng: np.random.Generator, codes: np.ndarray, ws: _Words, n_draws: int):
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


def _zipf_cumulative(n: int) -> np.ndarray:
    p = np.arange(1, n + 1, dtype=float) ** -ZIPF_S
    return np.cumsum(p / p.sum())


# ---- phrasing -----------------------------------------------------------------------


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
    ws = _words()
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


# ---- the queries of a run: pool entries and refinements, phrased once each ----------


class _Queries:
    """Distinct queries used in a run, each phrased once (so a popular query is one string)."""

    def __init__(self, d: Dice, codes: np.ndarray, ws: _Words, pool_keys: np.ndarray, pool_variants: np.ndarray):
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
        self.text.append(render_query(self.d, _intent_dict(self.ws, key), canonical))
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
        digits = _intent_values(key, len(ws.families))
        category = ws.values["category"][digits[0] - 1]
        related = ws.q["related_categories"].get(category, [])
        if related and d.chance(SWITCH_CATEGORY_RATE):
            digits[0] = ws.values["category"].index(d.pick(related)) + 1
            return _intent_key(digits)
        # Values come from a random product of the category, so refinements stay plausible.
        same_category = self._by_category.get(digits[0] - 1)
        example = self.codes[same_category[d.below(len(same_category))]] if same_category is not None else None
        present = [j for j in range(1, len(digits)) if digits[j]]
        absent = [j for j in range(1, len(digits)) if not digits[j]]
        if absent and len(present) < 3 and (not present or d.chance(ADD_FAMILY_RATE)):
            weights = np.cumsum([QUERY_FAMILY_WEIGHTS[ws.families[j]] for j in absent]).tolist()
            j = absent[d.weighted(weights)]
            digits[j] = int(example[j]) + 1 if example is not None else 1 + d.below(len(ws.values[ws.families[j]]))
            return _intent_key(digits)
        j = d.pick(present)
        n_values = len(ws.values[ws.families[j]])
        new = int(example[j]) + 1 if example is not None else digits[j]
        if new == digits[j]:
            new = 1 + (digits[j] + d.below(n_values - 1)) % n_values  # any other value
        digits[j] = new
        return _intent_key(digits)


# ---- the production ranker ---------------------------------------------------------


class _Ranker:
    """Top results per intent: attribute matches plus noise, searched within attribute groups."""

    def __init__(self, rng: np.random.Generator, codes: np.ndarray, k: int):
        self.rng, self.codes, self.k = rng, codes, k
        n = len(codes)
        shuffled = rng.permutation(n)
        cats = codes[shuffled, 0]
        # Products of each category in a fixed random order, so which members of a big
        # group are shown depends on a random offset, not on item_id order.
        self._by_category = {int(c): shuffled[cats == c] for c in np.unique(cats)}
        self._groups: dict[tuple[int, tuple[int, ...]], tuple[np.ndarray, ...]] = {}

    def _group_table(self, category: int, families: tuple[int, ...]):
        table = self._groups.get((category, families))
        if table is None:
            members = self._by_category[category]
            sub = self.codes[members][:, list(families)].astype(np.int64)
            key = (sub << (DIGIT_BITS * np.arange(len(families), dtype=np.int64))).sum(axis=1)
            _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
            order = np.argsort(inverse, kind="stable")
            starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
            table = (members[order], starts, counts, sub[order][starts])
            self._groups[(category, families)] = table
        return table

    def top(self, key: int) -> np.ndarray:
        """Product indices of the top k results for one intent."""
        digits = _intent_values(key, self.codes.shape[1])
        category = digits[0] - 1
        families = tuple(j for j in range(1, len(digits)) if digits[j])
        target = np.array([digits[j] - 1 for j in families], dtype=np.int64)
        candidates = np.empty(0, dtype=np.int64)
        points = np.empty(0)
        if category in self._by_category:
            members, starts, counts, values = self._group_table(category, families)
            level = (values == target).sum(axis=1)
            per_level = np.bincount(level, weights=counts, minlength=len(families) + 1)
            reach = np.cumsum(per_level[::-1])[::-1]  # products at this level or better
            enough = np.flatnonzero(reach >= self.k)
            cutoff = max(int(enough.max()) - 1, 0) if len(enough) else 0  # one level below, for noise
            groups = np.flatnonzero(level >= cutoff)
            take = np.minimum(counts[groups], GROUP_CAP)
            first = np.repeat(np.cumsum(take) - take, take)
            offset = self.rng.integers(counts[groups])
            within = (np.arange(take.sum()) - first + np.repeat(offset, take)) % np.repeat(counts[groups], take)
            candidates = members[np.repeat(starts[groups], take) + within]
            noise = RANKER_NOISE * self.rng.standard_normal(len(candidates))
            points = CATEGORY_POINTS + np.repeat(level[groups], take) + noise
        if len(candidates) < self.k:  # a category with fewer products than result slots
            filler = self.rng.permutation(len(self.codes))
            filler = filler[~np.isin(filler, candidates)][: self.k - len(candidates)]
            candidates = np.concatenate([candidates, filler])
            points = np.concatenate([points, np.full(len(filler), -1.0)])
        chosen = candidates[np.argsort(-points, kind="stable")[: self.k]]
        mistakes = np.flatnonzero(self.rng.random(self.k) < RANKER_ERROR_RATE)
        for slot in mistakes:
            stranger = int(self.rng.integers(len(self.codes)))
            if stranger not in chosen:
                chosen[slot] = stranger
        return chosen


def _relevance(codes: np.ndarray, key: int) -> np.ndarray:
    """Per product: -1 if the category differs, else the share of the intent's other attributes it has."""
    digits = _intent_values(key, codes.shape[1])
    families = [j for j in range(1, len(digits)) if digits[j]]
    share = np.ones(len(codes))
    if families:
        share = (codes[:, families] == np.array([digits[j] - 1 for j in families])).mean(axis=1)
    return np.where(codes[:, 0] == digits[0] - 1, share, -1.0)


# ---- sessions, timestamps, engagement ------------------------------------------------


def _sessions(rng: np.random.Generator, queries: _Queries, n_searches: int):
    """Per search: session index, query id, and the index of the search it refines (-1 if none)."""
    n = n_searches  # enough sessions: each has at least one search
    cum = _zipf_cumulative(len(queries.pool_keys))
    base = np.minimum(np.searchsorted(cum, rng.random(n) * cum[-1]), len(cum) - 1)
    other = np.minimum(np.searchsorted(cum, rng.random(n) * cum[-1]), len(cum) - 1)
    refines = rng.random(n) < REFINE_RATE
    twice = refines & (rng.random(n) < SECOND_REFINE_RATE)
    has_other = rng.random(n) < OTHER_QUERY_RATE
    options = np.searchsorted(np.cumsum(REFINE_OPTION_P), rng.random((n, 2)) * sum(REFINE_OPTION_P))
    session, qid, parent = [], [], []

    def emit(s: int, q: int, refines_index: int) -> None:
        session.append(s)
        qid.append(q)
        parent.append(refines_index)

    s = 0
    while len(qid) < n_searches:
        q = queries.from_pool(int(base[s]))
        emit(s, q, -1)
        if refines[s]:
            for step in range(2 if twice[s] else 1):
                q = queries.refined(q, int(options[s, step]))
                emit(s, q, len(qid) - 1)
        if has_other[s]:
            emit(s, queries.from_pool(int(other[s])), -1)
        s += 1
    return (np.array(session[:n_searches], dtype=np.int64), np.array(qid[:n_searches], dtype=np.int64),
            np.array(parent[:n_searches], dtype=np.int64))


def _timestamps(rng: np.random.Generator, session: np.ndarray, parent: np.ndarray) -> np.ndarray:
    """Epoch seconds in the window, strictly increasing within each session."""
    end = int(WINDOW_END.timestamp())
    start = end - WINDOW_DAYS * 86_400
    n_sessions = int(session.max()) + 1
    session_start = rng.integers(start, end - 3_600, size=n_sessions)
    gaps = rng.exponential(np.where(parent >= 0, REFINE_GAP_S, SEARCH_GAP_S))
    gaps = 2 + gaps.astype(np.int64)
    first = np.r_[True, session[1:] != session[:-1]]
    gaps[first] = 0
    total = np.cumsum(gaps)
    offset = total - np.maximum.accumulate(np.where(first, total, 0))
    return np.minimum(session_start[session] + offset, end - 1)


def _swap_neighbours(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """(n, k) column orders: identity, with some disjoint neighbour pairs swapped per row."""
    order = np.tile(np.arange(k), (n, 1))
    left = rng.integers(2, size=n)[:, None] + 2 * np.arange(k // 2)[None, :]
    rows, cols = np.nonzero((rng.random(left.shape) < SWAP_RATE) & (left + 1 < k))
    at = left[rows, cols]
    order[rows, at], order[rows, at + 1] = at + 1, at
    return order


def engagement(relevance: np.ndarray, uniforms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Clicks, long clicks and saves for (searches, positions) relevance grades, given 3 uniforms each.

    P(click) = P(examine | position) x P(attractive | relevance), with examination decaying
    as position ** -EXAMINE_POWER; long clicks and saves follow clicks, more so when relevant.
    Relevance is -1 for the wrong category, else the share of the intent's other attributes matched.
    """
    position = np.arange(1, relevance.shape[1] + 1)
    examine = position[None, :] ** -EXAMINE_POWER
    on_topic = np.where(relevance < 0, 0.0, relevance)
    attract = np.where(relevance < 0, ATTRACT_OFF_CATEGORY, ATTRACT_BASE + ATTRACT_GAIN * on_topic)
    clicked = uniforms[0] < examine * attract
    long_click = clicked & (uniforms[1] < LONG_CLICK_BASE + LONG_CLICK_GAIN * on_topic)
    saved = clicked & (uniforms[2] < SAVE_BASE + SAVE_GAIN * on_topic)
    return clicked, long_click, saved


def simulate_search_log(products: Sequence[ProductSpec], seed: int, n_searches: int) -> SearchLog:
    """A search log of n_searches queries over the products, deterministic for a seed."""
    if not isinstance(n_searches, (int, np.integer)) or n_searches < 0:
        raise ValueError(f"n_searches must be a non-negative integer, got {n_searches!r}")
    if n_searches and not products:
        raise ValueError(f"cannot simulate {n_searches} searches over an empty catalog; pass at least one product")
    if n_searches == 0:
        return SearchLog(SEARCHES_SCHEMA.empty_table(), IMPRESSIONS_SCHEMA.empty_table())
    ws = _words()
    too_many = [f for f in ws.families if len(ws.values[f]) >= 2**DIGIT_BITS]
    if too_many:
        raise ValueError(f"families {too_many} have {2**DIGIT_BITS - 1}+ values; raise DIGIT_BITS in search_log.py")
    codes = _codes(products, ws)
    k = min(RESULTS_PER_SEARCH, len(products))
    rng = np.random.default_rng([seed, 31])
    pool_keys, pool_variants = _query_pool(rng, codes, ws, max(20_000, POOL_DRAWS_PER_SEARCH * n_searches))
    queries = _Queries(Dice(np.random.default_rng([seed, 32]), block=4096), codes, ws, pool_keys, pool_variants)
    session, qid, parent = _sessions(rng, queries, n_searches)
    ts = _timestamps(rng, session, parent)

    # Search ids follow time, so a refinement always points to a smaller id.
    order = np.lexsort((np.arange(n_searches), ts))
    search_id = np.empty(n_searches, dtype=np.int64)
    search_id[order] = np.arange(n_searches)
    session_first_ts = np.full(int(session.max()) + 1, np.iinfo(np.int64).max)
    np.minimum.at(session_first_ts, session, ts)
    session_rank = np.empty_like(session_first_ts)
    session_rank[np.lexsort((np.arange(len(session_first_ts)), session_first_ts))] = np.arange(len(session_first_ts))

    # Results and relevance once per distinct intent, then looked up per search.
    intent_keys = np.array(queries.intent, dtype=np.int64)
    distinct, intent_row = np.unique(intent_keys[qid], return_inverse=True)
    ranker = _Ranker(np.random.default_rng([seed, 34]), codes, k)
    shown = np.stack([ranker.top(int(key)) for key in distinct])
    grade = np.stack([_relevance(codes[row], int(key)) for row, key in zip(shown, distinct)])

    s_rows = order  # searches in id order
    rows = intent_row[s_rows]
    erng = np.random.default_rng([seed, 35])
    swapped = _swap_neighbours(erng, n_searches, k)
    items = np.take_along_axis(shown[rows], swapped, axis=1)  # (n, k)
    rel = np.take_along_axis(grade[rows], swapped, axis=1)
    clicked, long_click, saved = engagement(rel, erng.random((3, *rel.shape)))
    position = np.arange(1, k + 1)

    texts = pa.array(queries.text, pa.string())
    intents_json = pa.array([json.dumps(_intent_dict(ws, int(key))) for key in intent_keys], pa.string())
    refined = parent[s_rows]
    refined_from = np.where(refined >= 0, search_id[np.maximum(refined, 0)], 0)
    searches = pa.table({
        "search_id": pa.array(np.arange(n_searches, dtype=np.int64)),
        "session_id": pa.array(session_rank[session[s_rows]]),
        "ts": pa.array(ts[s_rows], pa.timestamp("s", tz="UTC")),
        "query": texts.take(pa.array(qid[s_rows])),
        "intent": intents_json.take(pa.array(qid[s_rows])),
        "refined_from": pa.array(refined_from, mask=refined < 0),
    }, schema=SEARCHES_SCHEMA)
    item_ids = pa.array([p.item_id for p in products], pa.string())
    impressions = pa.table({
        "search_id": pa.array(np.repeat(np.arange(n_searches, dtype=np.int64), k)),
        "position": pa.array(np.tile(position.astype(np.int16), n_searches)),
        "item_id": item_ids.take(pa.array(items.ravel())),
        "clicked": pa.array(clicked.ravel()),
        "long_click": pa.array(long_click.ravel()),
        "saved": pa.array(saved.ravel()),
    }, schema=IMPRESSIONS_SCHEMA)
    return SearchLog(searches, impressions)
