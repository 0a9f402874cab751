"""Descriptors and pivots to suggest for a reference image, from what query understanding read off it.

A suggestion is kept only if the query parser reads it back as intended (a pivot to that value, or a
descriptor of that family), so the chips never offer text the engine would misunderstand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from engine.query import Lexicon, default_lexicon, parse_query_text
from engine.query.understand import READ_THRESHOLD

PIVOT_TEMPLATES = {"category": "as a {}", "season": "for {}", "occasion": "for {}", "style": "in {} style"}
DEFAULT_PIVOT = "in {}"


@dataclass(frozen=True)
class Suggestion:
    text: str  # what goes into the query box
    kind: str  # "descriptor" or "pivot"
    family: str


def family_values(lexicon: Lexicon) -> dict[str, list[str]]:
    """Each family's value names, in vocabulary order."""
    values: dict[str, list[str]] = {f: [] for f in lexicon.families}
    for entry in lexicon.entries.values():
        if entry.kind == "value" and entry.value not in values[entry.family]:
            values[entry.family].append(entry.value)
    return values


def suggest_queries(reading: Mapping[str, str], confidence: Mapping[str, float], lexicon: Lexicon | None = None,
                    per_family: int = 2) -> list[Suggestion]:
    """For each confidently read family: a descriptor ("same color") and up to per_family pivots to other values."""
    lexicon = lexicon or default_lexicon()
    values = family_values(lexicon)
    out: list[Suggestion] = []
    for family in lexicon.families:
        if family not in reading or confidence.get(family, 0.0) < READ_THRESHOLD:
            continue
        aspect_words = [p for p, e in lexicon.entries.items() if e.kind == "aspect" and e.family == family]
        for phrase in [f"same {family}"] + [f"same {w}" for w in aspect_words]:
            parsed = parse_query_text(phrase, lexicon)
            if parsed.mode == "descriptor" and parsed.aspect_families == (family,):
                out.append(Suggestion(phrase, "descriptor", family))
                break
        pivots = 0
        for value in values.get(family, []):
            if pivots >= per_family:
                break
            if value == reading[family]:
                continue
            phrase = PIVOT_TEMPLATES.get(family, DEFAULT_PIVOT).format(value)
            parsed = parse_query_text(phrase, lexicon)
            if parsed.mode == "pivot" and parsed.targets == {family: value}:
                out.append(Suggestion(phrase, "pivot", family))
                pivots += 1
    return out
