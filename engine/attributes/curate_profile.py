"""Merging synonyms by their items' texts: two names of one value are given to items that read alike.

A VLM calls some items "autumn" and others "fall"; the listings of both groups use the same words (the
season's words, in whatever spelling each listing chose), while "fall" and "winter" items differ. So each
value of a family gets a *text profile*: over the words of its items' texts (title, description, tags), the
share of its items using each word minus the share over the whole family's items (what sets the value's
items apart from the family's). Two values' similarity is the cosine of their profiles divided by the
geometric mean of their reliabilities (split-half cosine of each profile, Spearman-Brown corrected): a
profile is noisy on few items, and that correction puts synonyms near 1 whatever their size, while
distinct values stay far lower (measured on the fashion and home samples: synonyms 0.74-1.3, distinct values
at most 0.68; docs/benchmarks.md). Nothing about any domain's words is built in: the signal is the data's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

_WORD = re.compile(r"[\w-]+")
MIN_RELIABILITY = 1e-3  # a profile with no reliable signal divides by this, not by zero (min_cosine guards it)


def text_words(texts: Mapping[str, str]) -> dict[str, frozenset[str]]:
    """item_id -> the set of lowercase words of its text."""
    return {item: frozenset(_WORD.findall(text.lower())) for item, text in texts.items()}


def _profiles(groups: Sequence[Sequence[str]], words: Mapping[str, frozenset[str]],
              everyone: Sequence[str]) -> np.ndarray:
    """One L2-normalised row per group: per word, the share of the group's items using it minus the share of
    `everyone` using it."""
    index: dict[str, int] = {}
    for item in everyone:
        for w in words[item]:
            index.setdefault(w, len(index))

    def shares(items: Sequence[str]) -> np.ndarray:
        row = np.zeros(len(index))
        for item in items:
            row[[index[w] for w in words[item]]] += 1.0
        return row / max(1, len(items))

    base = shares(everyone)
    rows = np.array([shares(g) - base for g in groups]) if groups else np.zeros((0, len(index)))
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1.0)


def profile_similarity(value_items: Mapping[str, set[str]], words: Mapping[str, frozenset[str]]
                       ) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(values, cosine matrix of their text profiles, reliability-corrected similarity matrix); items without
    text are left out."""
    values = sorted(value_items)
    groups = [sorted(i for i in value_items[v] if i in words) for v in values]
    everyone = sorted({i for g in groups for i in g})
    whole = _profiles(groups, words, everyone)
    halves = _profiles([g[0::2] for g in groups] + [g[1::2] for g in groups], words, everyone)
    split = np.einsum("ij,ij->i", halves[:len(groups)], halves[len(groups):])
    reliability = np.maximum(2 * split / (1 + np.maximum(split, 0.0)), MIN_RELIABILITY)
    cosine = whole @ whole.T
    return values, cosine, cosine / np.sqrt(np.outer(reliability, reliability))


def merge_by_text_profile(support: Mapping[str, int], value_items: Mapping[str, set[str]],
                          words: Mapping[str, frozenset[str]], min_similarity: float = 0.8,
                          min_cosine: float = 0.3, min_items: int = 3,
                          texts: Mapping[str, str] | None = None) -> dict[str, str]:
    """Values whose items' texts read like those of a more frequent value of the family -> that value.

    A value (with at least `min_items` items with text) merges into the more frequent value of highest
    reliability-corrected similarity when that similarity is at least `min_similarity` and the plain cosine
    at least `min_cosine` (a tiny value's reliability is too noisy to trust the correction alone). With
    `texts` (lowercased), a merged group is named by the member its items' texts name most ("skirt" over
    "midi skirt", the listings' word), ties by support.
    """
    from engine.attributes.curate_cluster import _resolve

    order = sorted(support, key=lambda v: (-support[v], v))
    values, cosine, similarity = profile_similarity({v: value_items.get(v, set()) for v in order}, words)
    at = {v: n for n, v in enumerate(values)}
    target: dict[str, str] = {}
    for rank, value in enumerate(order):
        if rank == 0 or sum(1 for i in value_items.get(value, ()) if i in words) < min_items:
            continue
        best = max(order[:rank], key=lambda u: (similarity[at[value], at[u]], -order.index(u)))
        if similarity[at[value], at[best]] >= min_similarity and cosine[at[value], at[best]] >= min_cosine:
            target[value] = best
    merged = _resolve(order, target)
    return _named_by_texts(merged, support, value_items, texts) if texts else merged


def _named_by_texts(merged: Mapping[str, str], support: Mapping[str, int], value_items: Mapping[str, set[str]],
                    texts: Mapping[str, str]) -> dict[str, str]:
    """Each merged group renamed to the member most named (as a whole phrase) by the group's items' texts."""
    from engine.attributes.curate_cluster import _mentions

    groups: dict[str, list[str]] = {}
    for value, canonical in merged.items():
        groups.setdefault(canonical, []).append(value)
    out = dict(merged)
    for canonical, members in groups.items():
        if len(members) < 2:
            continue
        group_texts = [texts[i] for v in members for i in value_items.get(v, ()) if i in texts]
        named = {v: sum(1 for t in group_texts if _mentions(v)(t)) for v in members}
        name = min(members, key=lambda v: (-named[v], -support[v], v))
        out.update({v: name for v in members})
    return out
