"""The simulated production ranker: ten results per intent by attribute match plus noise."""

from __future__ import annotations

import numpy as np

from sample_data.search_log.intents import DIGIT_BITS, intent_values

RESULTS_PER_SEARCH = 10
# Points per matched attribute, noise, and outright mistakes.
CATEGORY_POINTS = 3.0
RANKER_NOISE = 0.35
RANKER_ERROR_RATE = 0.06  # a slot holding an unrelated product
# Per search, neighbouring results trade places now and then (index refreshes, tie-breaks),
# which also lets position bias be told apart from the ranking.
SWAP_RATE = 0.15
GROUP_CAP = RESULTS_PER_SEARCH  # candidates drawn from one attribute group (no more can be shown)


class Ranker:
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
        digits = intent_values(key, self.codes.shape[1])
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


def relevance(codes: np.ndarray, key: int) -> np.ndarray:
    """Per product: -1 if the category differs, else the share of the intent's other attributes it has."""
    digits = intent_values(key, codes.shape[1])
    families = [j for j in range(1, len(digits)) if digits[j]]
    share = np.ones(len(codes))
    if families:
        share = (codes[:, families] == np.array([digits[j] - 1 for j in families])).mean(axis=1)
    return np.where(codes[:, 0] == digits[0] - 1, share, -1.0)


def swap_neighbours(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """(n, k) column orders: identity, with some disjoint neighbour pairs swapped per row."""
    order = np.tile(np.arange(k), (n, 1))
    left = rng.integers(2, size=n)[:, None] + 2 * np.arange(k // 2)[None, :]
    rows, cols = np.nonzero((rng.random(left.shape) < SWAP_RATE) & (left + 1 < k))
    at = left[rows, cols]
    order[rows, at], order[rows, at + 1] = at + 1, at
    return order
