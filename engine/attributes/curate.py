"""Vocabulary curation (PinLanding): raw key-value pairs -> a compact vocabulary per attribute family.

Stages, each recorded in CuratedVocabulary.stages as distinct values before and after:
  families   normalise keys and values, learn the families from the keys (learn_keys.py: support,
             name and value similarity; what is dropped is counted in CuratedVocabulary.keys);
  spelling   merge values spelled alike ("t-shirt", "tshirt");
  frequency  drop values on fewer than `min_support` items;
  text       (when the items' texts are given) merge a value into a more frequent one that its items' own
             titles, descriptions and tags name instead (a VLM's "wicker" on items listed as "rattan");
  clustering merge values whose MiniLM embeddings lie within a cosine distance threshold (with texts, not two
             values whose items' texts read unlike: see profile);
  cooccurrence merge a value into another that the extractor gives the same items under another key of the
             family ("room": "kitchen" with "suitable room": "cooking space");
  profile    (with texts) merge a value into a more frequent one whose items' texts read alike: synonyms the
             words do not show ("fall" / "autumn", "preppy" / "classic"; curate_profile.py);
  contained  merge a value into the one other value it holds as a phrase ("carrara marble" -> "marble").
  text_spellings (with texts) spellings of the surviving values that only the texts use ("terra cotta" for
             "terra-cotta") become surface forms (mapping entries under the empty key "").
Merged values take the most frequent surface form as canonical. Topic-title judging is judge.py.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from engine.attributes.curate_cluster import (
    merge_by_cooccurrence,
    merge_by_embedding,
    merge_by_item_text,
    merge_contained_values,
    merge_spellings,
    text_spellings,
)
from engine.attributes.curate_keys import normalise_key, normalise_value
from engine.attributes.curate_profile import merge_by_text_profile, profile_similarity, text_words
from engine.attributes.learn_keys import KeyFamilies, KeySettings, learn_key_families
from engine.attributes.records import CuratedVocabulary, ItemAttribute, RawAttribute


class CurationError(ValueError):
    """Curation cannot produce a usable vocabulary (bad settings, or nothing survives them)."""


@dataclass(frozen=True)
class CurationSettings:
    min_support: int | None = None  # items a value must appear on; None: min_share of the items, at least 2
    min_share: float = 0.002  # the default support as a share of the items with attributes
    threshold: float = 0.15  # cosine distance under which value clusters merge (0: no embedding merges)
    keys: KeySettings = KeySettings()  # how raw keys become families (learn_keys.py)
    text_share: float = 0.5  # share of a value's items whose text names another value that merges it (0: off)
    min_text_items: int = 3  # items that must name the other value (or carry it, for co-occurrence), at least
    cooccurrence_share: float = 0.25  # share of a value's items that the extractor also gives another value (0: off)
    contained: bool = False  # merge a value into the one other value it holds ("carrara marble" -> "marble")
    profile_similarity: float = 0.8  # (with texts) reliability-corrected text-profile similarity that merges (0: off)
    profile_cosine: float = 0.3  # ... and the plain cosine of the two values' text profiles it needs too

    def check(self) -> None:
        try:
            self.keys.check()
        except ValueError as exc:
            raise CurationError(str(exc)) from None
        if self.min_support is not None and (isinstance(self.min_support, bool) or self.min_support < 1):
            raise CurationError(f"min_support must be a whole number of at least 1, got {self.min_support!r}")
        if not 0.0 <= self.text_share <= 1.0:
            raise CurationError(f"text_share must be in [0, 1], got {self.text_share!r}")
        if self.profile_similarity < 0 or not -1.0 <= self.profile_cosine <= 1.0:
            raise CurationError(f"profile_similarity must be >= 0 (0: off) and profile_cosine in [-1, 1], got "
                                f"{self.profile_similarity!r} and {self.profile_cosine!r}; try 0.8 and 0.3")
        if not 0.0 <= self.min_share < 1.0:
            raise CurationError(f"min_share must be in [0, 1), got {self.min_share!r}")
        if not 0.0 <= self.threshold <= 2.0:
            raise CurationError(f"threshold is a cosine distance in [0, 2], got {self.threshold!r}; "
                                "try 0.1 (few merges) to 0.4 (many)")

    def support_for(self, items: int) -> int:
        if self.min_support is not None:
            return self.min_support
        return max(2, math.ceil(self.min_share * items))


Encode = Callable[[list[str]], np.ndarray]  # texts -> L2-normalised rows


Pair = tuple[str, str]


def _family_items(raw: Iterable[RawAttribute], keys: KeyFamilies) -> tuple[dict[Pair, set[str]], dict[Pair, Pair], int, int]:
    """(family, value) -> items; raw normalised (key, value) -> (family, value); distinct raw pairs; items."""
    family_of = keys.key_family.get
    items: dict[tuple[str, str], set[str]] = {}
    routes: dict[tuple[str, str], tuple[str, str]] = {}
    distinct_raw, all_items = set(), set()
    for a in raw:
        all_items.add(a.item_id)
        distinct_raw.add((a.key, a.value))
        key, value = normalise_key(a.key), normalise_value(a.value)
        family = family_of(key)
        if family is None or not value:
            continue
        routes[(key, value)] = (family, value)
        items.setdefault((family, value), set()).add(a.item_id)
    return items, routes, len(distinct_raw), len(all_items)


def _by_family(items: dict[tuple[str, str], set[str]]) -> dict[str, int]:
    """Distinct values per family, as "after.FAMILY" counts beside a stage's totals."""
    counts: dict[str, int] = {}
    for family, _ in items:
        counts[f"after.{family}"] = counts.get(f"after.{family}", 0) + 1
    return dict(sorted(counts.items()))


def _apply(items: dict[tuple[str, str], set[str]], merge: dict[tuple[str, str], tuple[str, str]]) -> dict:
    merged: dict[tuple[str, str], set[str]] = {}
    for pair, ids in items.items():
        if pair in merge:
            merged.setdefault(merge[pair], set()).update(ids)
    return merged


def _per_family(items: dict[tuple[str, str], set[str]], kernel) -> dict[tuple[str, str], tuple[str, str]]:
    """Run a {value: canonical} kernel over each family's {value: support}."""
    merge = {}
    for family in sorted({f for f, _ in items}):
        support = {v: len(ids) for (f, v), ids in items.items() if f == family}
        merge.update({(family, v): (family, c) for v, c in kernel(support).items()})
    return merge


def _profile_vetoed(merge: dict[Pair, Pair], items: dict[Pair, set[str]], words, settings: CurationSettings
                    ) -> dict[Pair, Pair]:
    """Embedding merges undone where the two values' items read unlike (text-profile similarity under half the
    merging one): MiniLM puts "block color" (solid, in British usage) beside "color block"."""
    out, similar = dict(merge), {}
    for pair, target in merge.items():
        if pair == target:
            continue
        texted = [sum(1 for i in items[p] if i in words) for p in (pair, target)]
        if min(texted) < settings.min_text_items:
            continue  # too few texts to contradict the embedding
        family = pair[0]
        if family not in similar:
            values, _, similarity = profile_similarity({v: ids for (f, v), ids in items.items() if f == family}, words)
            similar[family] = ({v: n for n, v in enumerate(values)}, similarity)
        at, similarity = similar[family]
        if similarity[at[pair[1]], at[target[1]]] < settings.profile_similarity / 2:
            out[pair] = pair
    return out


def curate(raw: Iterable[RawAttribute], encode: Encode | None, settings: CurationSettings = CurationSettings(),
           texts: Mapping[str, str] | None = None) -> CuratedVocabulary:
    """The curated vocabulary of raw attributes; `encode` embeds values (None only with threshold 0); `texts`
    (item_id -> title, description and tags) enables the text stage."""
    settings.check()
    if encode is None and settings.threshold > 0:
        raise CurationError("embedding clustering needs a text encoder; pass one or set threshold 0")
    raw = list(raw)
    keys = learn_key_families(raw, encode, settings.keys)
    items, routes, distinct_raw, n_items = _family_items(raw, keys)
    if not items:
        rare = ", ".join(f"{k} ({n} items)" for k, n in list({**keys.rare_families, **keys.dropped}.items())[:8])
        raise CurationError(f"no raw key is carried by enough items to make an attribute family ({n_items} items; "
                            f"keys need {keys.min_support} items, families {settings.keys.min_family_share:.0%} of "
                            f"the items; seen: {rare or 'none'}); lower --min-key-support or --min-family-share")
    stages = {"families": {"before": distinct_raw, "after": len(items), **_by_family(items)}}
    merge = {p: p for p in items}  # (family, value) -> current (family, canonical)

    def step(name: str, new: dict) -> None:
        nonlocal items, merge
        before = len(items)
        items = _apply(items, new)
        merge = {p: new[c] for p, c in merge.items() if c in new}
        stages[name] = {"before": before, "after": len(items), **_by_family(items)}

    step("spelling", _per_family(items, merge_spellings))
    min_support = settings.support_for(n_items)
    step("frequency", {p: p for p, ids in items.items() if len(ids) >= min_support})
    if not items:
        raise CurationError(f"no value appears on at least {min_support} items (minimum support); lower "
                            f"--min-support (the catalog has {n_items} items with attributes)")
    stages["frequency"]["min_support"] = min_support
    if texts and settings.text_share > 0:
        lowered = {i: " ".join(unicodedata.normalize("NFC", t).lower().split()) for i, t in texts.items()}

        new = {}
        for family in sorted({f for f, _ in items}):
            value_items = {v: ids for (f, v), ids in items.items() if f == family}
            merged = merge_by_item_text({v: len(ids) for v, ids in value_items.items()}, value_items, lowered,
                                        settings.text_share, settings.min_text_items)
            new.update({(family, v): (family, c) for v, c in merged.items()})
        step("text", new)
    if settings.threshold > 0:
        merge_ = _per_family(items, lambda s: merge_by_embedding(s, encode, settings.threshold))
        if texts and settings.profile_similarity > 0:
            merge_ = _profile_vetoed(merge_, items, text_words(texts), settings)
        step("clustering", merge_)
    if settings.cooccurrence_share > 0:
        new = {}
        for family in sorted({f for f, _ in items}):
            value_items = {v: ids for (f, v), ids in items.items() if f == family}
            merged = merge_by_cooccurrence({v: len(ids) for v, ids in value_items.items()}, value_items,
                                           settings.cooccurrence_share, settings.min_text_items)
            new.update({(family, v): (family, c) for v, c in merged.items()})
        step("cooccurrence", new)
    if texts and settings.profile_similarity > 0:
        words = text_words(texts)
        lowered = {i: " ".join(unicodedata.normalize("NFC", t).lower().split()) for i, t in texts.items()}
        new = {}
        for family in sorted({f for f, _ in items}):
            value_items = {v: ids for (f, v), ids in items.items() if f == family}
            merged = merge_by_text_profile({v: len(ids) for v, ids in value_items.items()}, value_items, words,
                                           settings.profile_similarity, settings.profile_cosine,
                                           settings.min_text_items, lowered)
            new.update({(family, v): (family, c) for v, c in merged.items()})
        step("profile", new)
    if settings.contained:
        step("contained", _per_family(items, merge_contained_values))
    families: dict[str, list[str]] = {}
    for (family, value), ids in sorted(items.items(), key=lambda kv: (kv[0][0], -len(kv[1]), kv[0][1])):
        families.setdefault(family, []).append(value)
    mapping = {route: merge[fv] for route, fv in routes.items() if fv in merge}
    if texts:
        # spellings of the surviving values that only the items' texts use become surface forms, under key ""
        owners: dict[str, set] = {}
        for (_, value), target in mapping.items():
            owners.setdefault(value, set()).add(target)
        known = {value: next(iter(o)) for value, o in owners.items() if len(o) == 1}  # one owner per form
        lowered = {i: " ".join(unicodedata.normalize("NFC", t).lower().split()) for i, t in texts.items()}
        spelled = text_spellings(known, lowered)
        mapping.update({("", phrase): owner for phrase, owner in spelled.items()})
        stages["text_spellings"] = {"before": len(items), "after": len(items), "forms": len(spelled)}
    order = {f: i for i, f in enumerate(keys.families)}
    families = {f: families[f] for f in sorted(families, key=lambda f: order.get(f, len(order)))}
    return CuratedVocabulary(families, mapping, stages, keys.to_dict())


def curated_attributes(raw: Iterable[RawAttribute], vocabulary: CuratedVocabulary) -> list[ItemAttribute]:
    """Raw attributes mapped through the vocabulary, confidence 1.0, one per (item, family, value)."""
    seen, out = set(), []
    for a in raw:
        target = vocabulary.mapping.get((normalise_key(a.key), normalise_value(a.value)))
        if target is None or (a.item_id, *target) in seen:
            continue
        seen.add((a.item_id, *target))
        out.append(ItemAttribute(a.item_id, target[0], target[1], 1.0))
    return out


def surface_forms(vocabulary: CuratedVocabulary) -> dict[tuple[str, str], list[str]]:
    """(family, canonical) -> the distinct normalised raw values that map to it."""
    forms: dict[tuple[str, str], set[str]] = {}
    for (_, value), target in vocabulary.mapping.items():
        forms.setdefault(target, set()).add(value)
    return {t: sorted(v) for t, v in sorted(forms.items())}


def family_counts(vocabulary: CuratedVocabulary) -> dict[str, int]:
    return {f: len(v) for f, v in vocabulary.families.items()}


def check_families(vocabulary: CuratedVocabulary, wanted: Sequence[str]) -> None:
    """A clear error for a family the vocabulary lacks."""
    missing = [f for f in wanted if f not in vocabulary.families]
    if missing:
        raise CurationError(f"the vocabulary has no family {', '.join(map(repr, missing))}; its families are "
                            f"{', '.join(vocabulary.families)}")
