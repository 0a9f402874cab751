"""The workspace's attribute vocabulary: families, their values and surface forms, aspect words, roles.

One `Vocabulary` belongs to a workspace (`WORKSPACE/vocabulary.toml`), is loaded once per process and is
passed to every stage that needs families or values. Nothing here knows any domain: the fashion sample is
one vocabulary among others.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass, field

from engine.vocabulary.errors import VocabularyError

DEFAULT_PIVOT = "in {}"  # how a pivot to a value is phrased when the family says nothing else


def phrase_key(phrase: str) -> str:
    """How phrases compare: NFC, case-folded, single spaces ("Crème  Brûlée" == "crème brûlée")."""
    return " ".join(unicodedata.normalize("NFC", phrase).casefold().split())


@dataclass(frozen=True)
class AttributeValue:
    """One canonical value and the other words used for it in text (synonyms, spellings, plurals)."""

    name: str
    forms: tuple[str, ...] = ()  # surface forms besides the name itself

    @property
    def surface_forms(self) -> tuple[str, ...]:
        """The name first, then its other forms."""
        return (self.name, *self.forms)


@dataclass(frozen=True)
class AttributeFamily:
    """An attribute family (color, material, room, ...) with its values in vocabulary order."""

    name: str
    values: tuple[AttributeValue, ...]
    aspects: tuple[str, ...] = ()  # words naming the family without a value, for descriptors ("palette", "finish")
    visible: bool = False  # whether the family can be read off a product's image (zero-shot readings, tagger)
    pivot: str = DEFAULT_PIVOT  # how a pivot to one of its values is written: "in {}", "for the {}", "made of {}"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.values)

    def value(self, name: str) -> AttributeValue:
        for v in self.values:
            if v.name == name:
                return v
        raise VocabularyError(f"family {self.name!r} has no value {name!r}; its values are {', '.join(self.names)}")


@dataclass(frozen=True)
class Vocabulary:
    """Families in word order (adjectives before the product type, other families after it)."""

    families: tuple[AttributeFamily, ...]
    product_type: str | None = None  # the family that names what a product is (the sample's "category")
    source: str = ""  # where it came from: "sample", "vlm:FILE", "columns:FILE", "file:FILE" (not hashed)
    _by_name: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _canonical: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_by_name", {f.name: f for f in self.families})
        check_vocabulary(self)
        object.__setattr__(self, "_canonical", {(f.name, phrase_key(s)): v.name for f in self.families
                                                for v in f.values for s in v.surface_forms})

    @property
    def family_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.families)

    @property
    def visible_families(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.families if f.visible)

    def family(self, name: str) -> AttributeFamily:
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(self.family_names) or "none"
            raise VocabularyError(f"unknown attribute family {name!r}; this workspace's families are {known}. "
                                  "See `workbench vocabulary show`") from None

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def values(self) -> dict[str, list[str]]:
        """Family -> its value names, in vocabulary order."""
        return {f.name: list(f.names) for f in self.families}

    def is_empty(self) -> bool:
        return not self.families

    def to_dict(self) -> dict:
        """The content as plain data (what the hash covers; `source` is provenance and is left out)."""
        return {
            "product_type": self.product_type,
            "families": [{"name": f.name, "visible": f.visible, "pivot": f.pivot, "aspects": list(f.aspects),
                          "values": [{"name": v.name, "forms": list(v.forms)} for v in f.values]}
                         for f in self.families],
        }

    @property
    def hash(self) -> str:
        """A content hash: stages record it, so that a stage run with another vocabulary is reported stale."""
        blob = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:16]

    def canonical(self, family: str, phrase: str) -> str | None:
        """The value of `family` that `phrase` is a surface form of, or None."""
        self.family(family)  # an unknown family is an error, not "no value"
        return self._canonical.get((family, phrase_key(phrase)))


def check_vocabulary(vocab: Vocabulary) -> None:
    """Raise VocabularyError on what would make stages disagree: duplicate names, a form in two places."""
    seen_families: set[str] = set()
    owner: dict[str, tuple[str, str]] = {}  # phrase key -> (family, value)
    aspect_owner: dict[str, str] = {}
    for family in vocab.families:
        if not isinstance(family.name, str) or not family.name.strip():
            raise VocabularyError(f"a family has an empty name ({family.name!r}); give every family a name")
        if family.name in seen_families:
            raise VocabularyError(f"family {family.name!r} appears twice; merge the two into one")
        seen_families.add(family.name)
        if len(family.values) < 2:
            only = family.values[0].name if family.values else "none"
            raise VocabularyError(
                f"family {family.name!r} has {len(family.values)} value(s) ({only}); a family needs at least two "
                "values to tell items apart. Add values or remove the family")
        if "{}" not in family.pivot:
            raise VocabularyError(f"family {family.name!r}: pivot {family.pivot!r} has no {{}} for the value; "
                                  'write it like "in {}" or "for the {}"')
        names: set[str] = set()
        for value in family.values:
            if not isinstance(value.name, str) or not phrase_key(value.name):
                raise VocabularyError(f"family {family.name!r} has an empty value name; remove it or name it")
            if phrase_key(value.name) in names:
                raise VocabularyError(f"family {family.name!r} lists value {value.name!r} twice; keep one")
            names.add(phrase_key(value.name))
            for form in value.surface_forms:
                key = phrase_key(form)
                if not key:
                    raise VocabularyError(f"{family.name} = {value.name!r} has an empty surface form; remove it")
                where = owner.get(key)
                if where is not None and where != (family.name, value.name):
                    raise VocabularyError(
                        f"surface form {form!r} belongs to both {where[0]} = {where[1]!r} and "
                        f"{family.name} = {value.name!r}; a phrase can mean one value only. Remove it from one of "
                        "them (or rename one value)")
                owner[key] = (family.name, value.name)
        for word in family.aspects:
            key = phrase_key(word)
            if key in aspect_owner and aspect_owner[key] != family.name:
                raise VocabularyError(f"aspect word {word!r} names both {aspect_owner[key]!r} and {family.name!r}; "
                                      "keep it in one family")
            aspect_owner[key] = family.name
    for key, family in aspect_owner.items():
        if key in owner:
            f, v = owner[key]
            raise VocabularyError(f"{key!r} is both an aspect word of {family!r} and a surface form of {f} = {v!r}; "
                                  "remove one of them")
    if vocab.product_type is not None and vocab.product_type not in seen_families:
        raise VocabularyError(f"product_type = {vocab.product_type!r} is not one of the families "
                              f"({', '.join(vocab.family_names) or 'none'}); name a family or leave it out")


EMPTY = Vocabulary((), source="none")  # a workspace with no attribute source yet
