"""The attribute lexicon: every surface form of every value, aspect word and cue, matched longest first."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from engine.query.errors import LexiconError

SURFACE_FORMS_PATH = Path(__file__).with_name("surface_forms.toml")
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

    def __init__(self, entries: dict[str, Entry], families: tuple[str, ...]):
        self.entries = dict(entries)
        self.families = families
        phrases = sorted(self.entries, key=lambda p: (-len(p), p))
        # Longest first so "navy blue" beats "blue" and "t-shirt" beats "shirt"; \w lookarounds make word
        # boundaries that also hold next to hyphens ("red-and-white" finds red and white).
        body = "|".join(r"\s+".join(re.escape(w) for w in p.split(" ")) for p in phrases)
        self._pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE) if phrases else None

    @classmethod
    def from_vocabulary(cls, vocab, forms_path: str | Path | None = SURFACE_FORMS_PATH) -> "Lexicon":
        """Vocabulary synonyms (category plurals added) plus the extra forms, aspects and cues of a TOML file."""
        data: dict = {}
        if forms_path is not None:
            with Path(forms_path).open("rb") as fh:
                data = tomllib.load(fh)
        return cls.from_tables(vocab, data, str(forms_path))

    @classmethod
    def from_tables(cls, vocab, data: dict, source: str = "<surface forms>") -> "Lexicon":
        """Build from a Vocabulary and an already parsed surface-form table (see surface_forms.toml)."""
        families = tuple(vocab.families)
        entries: dict[str, Entry] = {}
        drop = {_key(p) for p in data.get("drop", [])}

        def add(phrase: str, entry: Entry, where: str) -> None:
            key = _key(phrase)
            if not key or key in drop:
                return
            old = entries.get(key)
            if old is not None and old != entry:
                raise LexiconError(
                    f"{source}: {where}: phrase {phrase!r} already means {old}; it cannot also mean {entry}. "
                    f"Remove one of them or list it under drop"
                )
            entries[key] = entry

        for fname, family in vocab.families.items():
            for value in family.values:
                forms = (value.name, *value.synonyms, *data.get("forms", {}).get(fname, {}).get(value.name, ()))
                for form in forms:
                    if _key(form) in drop:
                        continue  # and so is its plural
                    entry = Entry("value", fname, value.name)
                    add(form, entry, f"{fname} = {value.name!r}")
                    if fname == "category":
                        add(plural(form), entry, f"plural of {form!r}")
        for fname, values in data.get("forms", {}).items():
            if fname not in vocab.families:
                raise LexiconError(
                    f"{source}: [forms.{fname}] names an unknown family; known families are {', '.join(families)}"
                )
            known = vocab.families[fname].names
            for value in values:
                if value not in known:
                    raise LexiconError(
                        f"{source}: [forms.{fname}] has unknown value {value!r}; known values are {', '.join(known)}"
                    )
        for fname, words in data.get("aspects", {}).items():
            if fname not in vocab.families:
                raise LexiconError(
                    f"{source}: [aspects] names an unknown family {fname!r}; known families are {', '.join(families)}"
                )
            for word in words:
                add(word, Entry("aspect", fname), f"aspect {fname}")
        for kind, words in data.get("cues", {}).items():
            if kind not in CUE_KINDS:
                raise LexiconError(f"{source}: [cues] has unknown kind {kind!r}; known kinds are {', '.join(CUE_KINDS)}")
            for word in words:
                add(word, Entry(kind), f"{kind} cue")
        return cls(entries, families)

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


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon of the sample vocabulary and surface_forms.toml (cached; it is immutable in use)."""
    from sample_data.vocabulary import load_vocabulary

    return Lexicon.from_vocabulary(load_vocabulary())


@lru_cache(maxsize=1)
def default_phrases() -> tuple[dict[tuple[str, str], tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(family, value) -> its surface forms and family -> its aspect words, from the default lexicon, sorted.

    What query generators (early-fusion triplets, the benchmark query set) fill their templates with.
    """
    forms: dict[tuple[str, str], list[str]] = {}
    aspects: dict[str, list[str]] = {}
    for phrase, entry in sorted(default_lexicon().entries.items()):
        if entry.kind == "value":
            forms.setdefault((entry.family, entry.value), []).append(phrase)
        elif entry.kind == "aspect":
            aspects.setdefault(entry.family, []).append(phrase)
    return {k: tuple(v) for k, v in forms.items()}, {k: tuple(v) for k, v in aspects.items()}
