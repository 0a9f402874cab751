"""The attribute lexicon: every surface form of every value, aspect word and cue, matched longest first."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from engine.query.errors import LexiconError
from engine.vocabulary import Vocabulary

CUES_PATH = Path(__file__).with_name("cues.toml")
KINDS = ("value", "aspect", "descriptor", "change", "negation")  # what a matched phrase is
CUE_KINDS = ("descriptor", "change", "negation")


@dataclass(frozen=True)
class Entry:
    """What one phrase means: a value of a family, an aspect (family, no value) or a cue."""

    kind: str  # one of KINDS
    family: str | None = None  # for "value" and "aspect"
    value: str | None = None  # for "value"


@dataclass(frozen=True)
class Match:
    """One phrase found in a text, with its character span."""

    start: int
    end: int
    surface: str  # the text as written
    entry: Entry


def plural(phrase: str) -> str:
    """English plural of a category phrase's last word: dress -> dresses, scarf -> scarves, jeans stays."""
    head, _, last = phrase.rpartition(" ")
    if last.endswith(("ss", "sh", "ch", "x", "z")):
        last = last + "es"
    elif last.endswith("s"):
        return phrase  # jeans, sneakers, shorts: already plural
    elif last.endswith("f"):
        last = last[:-1] + "ves"
    elif last.endswith("y") and len(last) > 1 and last[-2] not in "aeiou":
        last = last[:-1] + "ies"
    else:
        last = last + "s"
    return f"{head} {last}" if head else last


def _key(phrase: str) -> str:
    return " ".join(phrase.casefold().split())


class Lexicon:
    """Phrase -> Entry table and the one longest-first regex that finds them, case-insensitively."""

    def __init__(self, entries: dict[str, Entry], families: tuple[str, ...], product_type: str | None = None):
        self.entries = dict(entries)
        self.families = families
        self.product_type = product_type  # the family naming what a product is, or None
        phrases = sorted(self.entries, key=lambda p: (-len(p), p))
        # Longest first so "navy blue" beats "blue" and "t-shirt" beats "shirt"; \w lookarounds make word
        # boundaries that also hold next to hyphens ("red-and-white" finds red and white).
        body = "|".join(r"\s+".join(re.escape(w) for w in p.split(" ")) for p in phrases)
        self._pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE) if phrases else None

    @classmethod
    def from_vocabulary(cls, vocab: Vocabulary, cues_path: str | Path = CUES_PATH) -> "Lexicon":
        """The vocabulary's values (with their forms; English plurals of the product type's forms added) and
        aspect words, plus the domain-free cues of cues.toml. A value's form wins over a cue of the same words."""
        with Path(cues_path).open("rb") as fh:
            cues = tomllib.load(fh).get("cues", {})
        entries: dict[str, Entry] = {}
        for family in vocab.families:
            for value in family.values:
                entry = Entry("value", family.name, value.name)
                for form in value.surface_forms:
                    entries[_key(form)] = entry
                    if family.name == vocab.product_type:
                        entries.setdefault(_key(plural(form)), entry)
            for word in family.aspects:
                entries.setdefault(_key(word), Entry("aspect", family.name))
        for kind, words in cues.items():
            if kind not in CUE_KINDS:
                raise LexiconError(f"{cues_path}: [cues] has unknown kind {kind!r}; known kinds are "
                                   f"{', '.join(CUE_KINDS)}")
            for word in words:
                entries.setdefault(_key(word), Entry(kind))
        return cls(entries, vocab.family_names, vocab.product_type)

    def lookup(self, phrase: str) -> Entry | None:
        """The entry of one phrase (case and spacing ignored), or None."""
        return self.entries.get(_key(phrase))

    def find(self, text: str) -> tuple[Match, ...]:
        """Every phrase in text, left to right, non-overlapping, the longest at each position."""
        if self._pattern is None:
            return ()
        found = []
        for m in self._pattern.finditer(text):
            entry = self.entries.get(_key(m.group(0)))
            if entry is not None:  # a case-folding oddity (e.g. the Kelvin sign) that matched but keys apart
                found.append(Match(m.start(), m.end(), m.group(0), entry))
        return tuple(found)


@lru_cache(maxsize=8)
def lexicon_for(vocab: Vocabulary) -> Lexicon:
    """The lexicon of a vocabulary (cached: a vocabulary is immutable, and equal ones share it)."""
    return Lexicon.from_vocabulary(vocab)


def lexicon_phrases(lexicon: Lexicon) -> tuple[dict[tuple[str, str], tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(family, value) -> its surface forms and family -> its aspect words, sorted.

    What query generators (early-fusion triplets, the benchmark query set) fill their templates with.
    """
    forms: dict[tuple[str, str], list[str]] = {}
    aspects: dict[str, list[str]] = {}
    for phrase, entry in sorted(lexicon.entries.items()):
        if entry.kind == "value":
            forms.setdefault((entry.family, entry.value), []).append(phrase)
        elif entry.kind == "aspect":
            aspects.setdefault(entry.family, []).append(phrase)
    return {k: tuple(v) for k, v in forms.items()}, {k: tuple(v) for k, v in aspects.items()}
