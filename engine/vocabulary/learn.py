"""A workspace Vocabulary from curated key/value output (`workbench attributes run|curate`).

Families and values come from the curation (engine/attributes/curate.py, which learns the families
from the keys); this module adds what the vocabulary file holds beyond them, by documented defaults
the user edits in `vocabulary.toml`:
  product type  the family the key learning detected (learn_keys.py: a key named like a product type,
                else the most diverse widespread family);
  visible       the product type, and families whose name or keys are one of VISIBLE_WORDS (color,
                material, pattern, finish, ...): what a photo shows;
  aspects       the family's name and its key variants ("colour", "main color"), minus any phrase that
                is already a value's surface form;
  pivot         "as a {}" for the product type, PIVOT_WORDS for a few families, else "in {}";
  order         visible families, then the product type, then the others (adjectives before the noun).
A surface form reported in two families (or two values) stays with the one on more items; the other
loses it (counted in `LearnReport.moved_forms`). A family left with one value is dropped (counted).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.vocabulary.records import DEFAULT_PIVOT, AttributeFamily, AttributeValue, Vocabulary, phrase_key

VISIBLE_WORDS = ("color", "colour", "material", "fabric", "pattern", "print", "finish", "texture", "shape", "metal",
                 "wood", "surface")
PIVOT_WORDS = {"room": "for the {}", "occasion": "for {}", "season": "for {}", "use case": "for {}",
               "material": "made of {}", "made of": "made of {}"}
PRODUCT_TYPE_PIVOT = "as a {}"


@dataclass
class LearnReport:
    """What turning the curation into a vocabulary left out."""

    single_value_families: dict[str, str] = field(default_factory=dict)  # family -> its only value (dropped)
    moved_forms: list[tuple[str, str, str]] = field(default_factory=list)  # (form, kept in, removed from)

    def lines(self) -> list[str]:
        out = [f"family {f!r} has one value ({v!r}) and was left out; a family needs two values to tell items apart"
               for f, v in self.single_value_families.items()]
        out += [f"surface form {form!r} kept in {kept}, removed from {lost} (fewer items)"
                for form, kept, lost in self.moved_forms]
        return out


def _words(name: str, keys: Iterable[str]) -> set[str]:
    return {phrase_key(k) for k in (name, *keys)}


def vocabulary_from_curated(curated, item_counts: dict[tuple[str, str], int] | None = None, *,
                            source: str = "", previous: Vocabulary | None = None) -> tuple[Vocabulary, LearnReport]:
    """The Vocabulary of a CuratedVocabulary; `item_counts` ((family, value) -> items) settles shared forms.

    Families also in `previous` (the workspace's current vocabulary) keep its visible, pivot and aspects,
    and its product type when that family is still there, and learned values that are surface forms of one
    of its values join that value: the user's merges, renames and settings survive a re-run (drops do not).
    """
    from engine.attributes.curate import surface_forms

    counts = Counter(item_counts or {})
    keys = curated.keys.get("families", {}) if curated.keys else {}
    product_type = curated.keys.get("product_type") if curated.keys else None
    forms = surface_forms(curated)
    report = LearnReport()
    # one owner per phrase: the (family, value) on the most items, then the earlier family, then the value itself
    owner: dict[str, tuple[str, str]] = {}
    rank = {f: i for i, f in enumerate(curated.families)}

    def better(a: tuple[str, str], b: tuple[str, str], key: str) -> bool:
        def score(fv):
            return (-counts[fv], phrase_key(fv[1]) != key, rank.get(fv[0], 0), fv[1])
        return score(a) < score(b)

    for family, values in curated.families.items():
        for value in values:
            for form in dict.fromkeys((value, *forms.get((family, value), ()))):
                key = phrase_key(form)
                here = (family, value)
                if key not in owner or better(here, owner[key], key):
                    if key in owner and owner[key] != here:
                        report.moved_forms.append((form, f"{family} = {value!r}",
                                                   f"{owner[key][0]} = {owner[key][1]!r}"))
                    owner[key] = here
                elif owner[key] != here:
                    report.moved_forms.append((form, f"{owner[key][0]} = {owner[key][1]!r}", f"{family} = {value!r}"))
    families = []
    for family, values in curated.families.items():
        kept = []
        for value in values:
            if owner.get(phrase_key(value)) != (family, value):
                continue  # the value's own name belongs to another family's value: it lives there
            extra = sorted({phrase_key(f) for f in forms.get((family, value), ())
                            if owner.get(phrase_key(f)) == (family, value) and phrase_key(f) != phrase_key(value)})
            kept.append(AttributeValue(value, tuple(extra)))
        if previous is not None and family in previous:
            kept = _reapply(kept, previous, family)
        if len(kept) < 2:
            if kept or values:
                report.single_value_families[family] = kept[0].name if kept else values[0]
            continue
        words = _words(family, keys.get(family, ()))
        aspects = tuple(sorted(w for w in words if w not in owner))
        pivot = next((p for w, p in PIVOT_WORDS.items() if w in words), DEFAULT_PIVOT)
        if family == product_type:
            pivot = PRODUCT_TYPE_PIVOT
        visible = family == product_type or bool(words & set(VISIBLE_WORDS))
        old = previous.family(family) if previous is not None and family in previous else None
        if old is not None:
            visible, pivot = old.visible, old.pivot
            aspects = tuple(a for a in old.aspects if phrase_key(a) not in owner) or aspects
        families.append(AttributeFamily(family, tuple(kept), aspects=_unique_aspects(aspects, families),
                                        visible=visible, pivot=pivot))
    names = [f.name for f in families]
    if previous is not None and previous.product_type in names:
        product_type = previous.product_type
    if product_type not in names:
        product_type = None
    order = sorted(families, key=lambda f: (0 if f.visible and f.name != product_type else
                                            1 if f.name == product_type else 2, names.index(f.name)))
    return Vocabulary(tuple(order), product_type=product_type, source=source), report


def _reapply(values: list[AttributeValue], previous: Vocabulary, family: str) -> list[AttributeValue]:
    """Merges and renames the user made in the previous vocabulary, re-applied: a learned value that is a surface
    form of a previous value joins it (under the previous name), with all its forms."""
    merged: dict[str, list[str]] = {}
    for value in values:
        target = previous.canonical(family, value.name) or value.name
        merged.setdefault(target, []).extend(value.surface_forms)
    out = []
    for name, phrases in merged.items():
        seen, forms = {phrase_key(name)}, []
        for p in phrases:
            if phrase_key(p) not in seen:
                seen.add(phrase_key(p))
                forms.append(p)
        out.append(AttributeValue(name, tuple(forms)))
    return out


def _unique_aspects(aspects: tuple[str, ...], earlier: list[AttributeFamily]) -> tuple[str, ...]:
    """Aspect words no earlier family already uses (an aspect names one family only)."""
    taken = {phrase_key(a) for f in earlier for a in f.aspects}
    return tuple(a for a in aspects if phrase_key(a) not in taken)


def item_counts_of(attributes: Iterable) -> dict[tuple[str, str], int]:
    """(family, value) -> distinct items, from ItemAttribute-like records."""
    seen = {(a.item_id, a.family, a.value) for a in attributes}
    return dict(Counter((f, v) for _, f, v in seen))
