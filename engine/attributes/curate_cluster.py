"""Merging near-duplicate values of one family: exact spelling variants, then embedding clusters.

Both kernels return {value: canonical}; the canonical of a group is its most frequent member
(ties: the alphabetically first), as PinLanding keeps the more frequent surface form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from engine.attributes.curate_keys import spelling_key


def _canonical(group: Sequence[str], support: Mapping[str, int]) -> str:
    return min(group, key=lambda v: (-support[v], v))


def merge_spellings(support: Mapping[str, int]) -> dict[str, str]:
    """Values spelled alike ("t-shirt", "t shirt", "tshirt") -> the most frequent of them."""
    groups: dict[str, list[str]] = {}
    for value in support:
        groups.setdefault(spelling_key(value) or value, []).append(value)
    return {v: _canonical(g, support) for g in groups.values() for v in g}


def cluster_labels(vectors: np.ndarray, threshold: float) -> np.ndarray:
    """Agglomerative clusters (average linkage) of L2-normalised rows cut at a cosine distance."""
    if len(vectors) < 2:
        return np.zeros(len(vectors), dtype=int)
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                    distance_threshold=threshold)
    return model.fit_predict(np.asarray(vectors, dtype=np.float64))


def merge_by_embedding(support: Mapping[str, int], encode: Callable[[list[str]], np.ndarray],
                       threshold: float) -> dict[str, str]:
    """Values whose embeddings cluster within `threshold` cosine distance -> the cluster's most frequent."""
    values = sorted(support)
    if not values:
        return {}
    labels = cluster_labels(encode(values), threshold)
    groups: dict[int, list[str]] = {}
    for value, label in zip(values, labels):
        groups.setdefault(int(label), []).append(value)
    return {v: _canonical(g, support) for g in groups.values() for v in g}


def _mentions(value: str):
    """A matcher of `value` as a whole phrase ("white" in "snow white", not in "off-white" or "whitewash")."""
    import re

    return re.compile(r"(?<![\w-])" + re.escape(value) + r"(?![\w-])").search


def merge_by_item_text(support: Mapping[str, int], value_items: Mapping[str, set[str]], texts: Mapping[str, str],
                       min_share: float = 0.5, min_items: int = 3) -> dict[str, str]:
    """Values whose items' own text (title, description, tags) names another, more frequent value -> that value.

    A VLM calls an item "wicker" while its listing says "rattan": when at least `min_share` (and `min_items`) of
    a value's items name a more frequent value u in their text, and more of them name u than the value itself,
    the value is a surface form of u. Catches synonyms embeddings miss (wicker/rattan, scandi/scandinavian).
    """
    values = sorted(support, key=lambda v: (-support[v], v))
    matchers = {v: _mentions(v) for v in values}
    target: dict[str, str] = {}
    for rank, value in enumerate(values):
        items = [i for i in value_items.get(value, ()) if i in texts]
        if len(items) < min_items:
            continue
        named = {u: sum(1 for i in items if matchers[u](texts[i])) for u in values[:rank] + [value]}
        best = max(values[:rank], key=lambda u: (named[u], -values.index(u)), default=None)
        if best is not None and named[best] >= max(min_items, min_share * len(items)) and named[best] > named[value]:
            target[value] = best
    return _resolve(values, target)


def text_spellings(forms: Mapping[str, tuple[str, str]], texts: Mapping[str, str], max_words: int = 3) -> dict[str, tuple[str, str]]:
    """Spellings the items' texts use for known forms ("terra cotta" for "terra-cotta"): phrase -> its owner.

    `forms` maps each known (normalised) surface form to its (family, value); a phrase of the texts whose
    spelling_key equals one form's, and is not a known form itself, is returned with that owner. A spelling
    key shared by two owners is ambiguous and skipped.
    """
    import re

    owners: dict[str, set[tuple[str, str]]] = {}
    for form, owner in forms.items():
        owners.setdefault(spelling_key(form) or form, set()).add(owner)
    by_key = {k: next(iter(o)) for k, o in owners.items() if len(o) == 1}
    found: dict[str, tuple[str, str]] = {}
    word = re.compile(r"[\w-]+")
    for text in texts.values():
        words = word.findall(text)
        for n in range(1, max_words + 1):
            for start in range(len(words) - n + 1):
                phrase = " ".join(words[start:start + n]).strip("-")
                owner = by_key.get(spelling_key(phrase))
                if owner is not None and phrase not in forms:
                    found.setdefault(phrase, owner)
    return found


def _resolve(values: Sequence[str], target: Mapping[str, str]) -> dict[str, str]:
    out = {}
    for value in values:
        canonical = value
        while canonical in target:
            canonical = target[canonical]
        out[value] = canonical
    return out


def merge_by_cooccurrence(support: Mapping[str, int], value_items: Mapping[str, set[str]],
                          min_share: float = 0.25, min_items: int = 3, dominance: float = 2.0) -> dict[str, str]:
    """Values that the extractor gives the same items as another, more frequent value of the family -> that value.

    An item carries one value per family, so when a VLM answers two keys of one family differently on the same
    item ("room": "kitchen", "suitable room": "cooking space"; "main material": "cane", "made of": "wicker"),
    the two are names of one value. A value merges when at least `min_share` (and `min_items`) of its items
    also carry the more frequent value, and that value is shared `dominance` times as often as any other (the
    extractor's confusions spread over several neighbours; a synonym sticks to one).
    """
    values = sorted(support, key=lambda v: (-support[v], v))
    target: dict[str, str] = {}
    for rank, value in enumerate(values):
        items = value_items.get(value, set())
        if len(items) < min_items:
            continue
        shared = {u: len(items & value_items.get(u, set())) for u in values if u != value}
        ranked = sorted(shared, key=lambda u: (-shared[u], values.index(u)))
        if not ranked or values.index(ranked[0]) > rank:
            continue  # the value it shares most with is rarer: that one merges into this, not the reverse
        best, runner_up = ranked[0], (shared[ranked[1]] if len(ranked) > 1 else 0)
        if shared[best] >= max(min_items, min_share * len(items)) and shared[best] >= dominance * runner_up:
            target[value] = best
    return _resolve(values, target)


def merge_contained_values(support: Mapping[str, int]) -> dict[str, str]:
    """A value that holds exactly one other, more frequent value of its family as a whole phrase, or is it with a
    suffix ("carrara marble" -> "marble", "marbled" -> "marble", "dusty pink" -> "pink") -> that value. A value
    holding two ("navy blue": navy and blue) is left alone: which one it means is not knowable from the words."""
    values = sorted(support, key=lambda v: (-support[v], v))
    target: dict[str, str] = {}
    for rank, value in enumerate(values):
        inside = [u for u in values[:rank]
                  if u != value and (_mentions(u)(value) or (value.startswith(u) and value[len(u):] in SUFFIXES))]
        if len(inside) == 1:
            target[value] = inside[0]
    return _resolve(values, target)


SUFFIXES = ("d", "ed", "s", "es", "ish", "y")  # "marble" + d, "stripe" + s, "pink" + ish, "wood" + y
