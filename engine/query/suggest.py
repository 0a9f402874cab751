"""Descriptors and pivots to suggest for a reference image, from what query understanding read off it.

A suggestion is kept only if the query parser reads it back as intended (a pivot to that value, or a
descriptor of that family), so the chips never offer text the engine would misunderstand. Pivots are
phrased with each family's `pivot` template from the workspace vocabulary ("in {}", "for the {}"), with the
article agreeing with the value ("as a dress", "as an overcoat", "as jeans").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import re

from engine.query.lexicon import lexicon_for, plural
from engine.query.parse import parse_query_text
from engine.query.understand import READ_THRESHOLD
from engine.vocabulary import Vocabulary


@dataclass(frozen=True)
class Suggestion:
    text: str  # what goes into the query box
    kind: str  # "descriptor" or "pivot"
    family: str


_ARTICLE = re.compile(r"\b[Aa]n? \{\}")  # "a {}" or "an {}" in a pivot template


def pivot_phrase(template: str, value: str, aspect: str | None = None) -> str:
    """The template filled with value, its "a {}" made "an {}" before a vowel and dropped before a plural.

    A participle ("striped") cannot follow "in" alone: with the family's aspect word, a template ending in "{}"
    names it ("in a striped pattern").
    """
    last = value.rsplit(" ", 1)[-1]
    if aspect and len(last) > 4 and last.endswith("ed") and template.endswith(" {}"):  # not "red"
        template = template[:-2] + "a {} " + aspect
    def article(match: re.Match) -> str:
        if plural(value) == value:
            return "{}"
        return ("an {}" if value[:1].lower() in "aeiou" else "a {}") if match.group(0)[0] == "a" else \
            ("An {}" if value[:1].lower() in "aeiou" else "A {}")

    return _ARTICLE.sub(article, template).format(value)


def suggest_queries(reading: Mapping[str, str], confidence: Mapping[str, float], vocabulary: Vocabulary,
                    per_family: int = 2) -> list[Suggestion]:
    """For each confidently read family: a descriptor ("same color") and up to per_family pivots to other values."""
    lexicon = lexicon_for(vocabulary)
    out: list[Suggestion] = []
    for family in vocabulary.families:
        name = family.name
        if name not in reading or confidence.get(name, 0.0) < READ_THRESHOLD:
            continue
        for phrase in [f"same {name}"] + [f"same {w}" for w in family.aspects]:
            parsed = parse_query_text(phrase, lexicon)
            if parsed.mode == "descriptor" and parsed.aspect_families == (name,):
                out.append(Suggestion(phrase, "descriptor", name))
                break
        pivots = 0
        for value in family.names:
            if pivots >= per_family:
                break
            if value == reading[name]:
                continue
            aspect = family.aspects[0] if family.aspects else None
            for phrase in dict.fromkeys([pivot_phrase(family.pivot, value, aspect), pivot_phrase(family.pivot, value)]):
                parsed = parse_query_text(phrase, lexicon)
                if parsed.mode == "pivot" and parsed.targets == {name: value}:  # the first that reads back
                    out.append(Suggestion(phrase, "pivot", name))
                    pivots += 1
                    break
    return out
