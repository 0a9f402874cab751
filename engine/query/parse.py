"""Read query text as a pivot (change an aspect), a descriptor (explore an aspect) or neither.

The rule, in order (pinned by tests/query/test_parse.py):
1. Every attribute value named is a target, last mention per family winning ("blue shirt but in red" -> red);
   a value right after a negation cue ("without stripes", "not red", "non-leather") is excluded instead.
2. Aspect words ("color palette", "pattern", "vibe", "fabric", ...) give aspect_families, in order of mention.
3. mode is "pivot" when there is a target or an exclusion (aspects are kept: "similar style but in red"),
   or when a change cue names an aspect without a value ("in a different color": targets stay empty and the
   caller varies aspect_families); "descriptor" when aspects or a similarity cue ("like this", "same",
   "similar") are named without a value (empty aspect_families then means "similar overall");
   "none" otherwise. Text-only queries are the caller's call ("text" mode needs to know there is no image).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from engine.query.clean import DEFAULT_MAX_CHARS, clean_query_text
from engine.query.lexicon import Lexicon, Match

PARSE_MODES = ("pivot", "descriptor", "none")


@dataclass(frozen=True)
class ParsedText:
    """What the text of a query asks for."""

    mode: str  # one of PARSE_MODES
    targets: dict[str, str]  # family -> value the text names (to change to, or to keep)
    aspect_families: tuple[str, ...]  # families named without a value, in order of mention
    cleaned_text: str  # the text after clean_query_text, the one that was parsed
    excluded: dict[str, str] = field(default_factory=dict)  # family -> value the text negates ("without stripes")
    truncated: bool = False  # the text was cut to max_chars before parsing

    def to_dict(self) -> dict:
        """A JSON-ready dict (tuples become lists)."""
        out = asdict(self)
        out["aspect_families"] = list(self.aspect_families)
        return out


def _negated(text: str, matches: tuple[Match, ...], i: int) -> bool:
    """Whether match i directly follows a negation cue, with only spaces or a hyphen between."""
    if i == 0 or matches[i - 1].entry.kind != "negation":
        return False
    return text[matches[i - 1].end : matches[i].start].strip(" -") == ""


def parse_query_text(text: str, lexicon: Lexicon, max_chars: int = DEFAULT_MAX_CHARS) -> ParsedText:
    """Clean text, find its values, aspects and cues, and decide pivot / descriptor / none."""
    cleaned, truncated = clean_query_text(text, max_chars)
    matches = lexicon.find(cleaned)
    targets: dict[str, str] = {}
    excluded: dict[str, str] = {}
    aspects: list[str] = []
    kinds = {m.entry.kind for m in matches}
    for i, m in enumerate(matches):
        entry = m.entry
        if entry.kind == "value":
            into, other = (excluded, targets) if _negated(cleaned, matches, i) else (targets, excluded)
            into.pop(entry.family, None)  # re-insert so the last mention also sorts last
            into[entry.family] = entry.value
            if other.get(entry.family) == entry.value:
                del other[entry.family]
        elif entry.kind == "aspect" and entry.family not in aspects:
            aspects.append(entry.family)
    if targets or excluded or (aspects and "change" in kinds):
        mode = "pivot"
    elif aspects or "descriptor" in kinds:
        mode = "descriptor"
    else:
        mode = "none"
    return ParsedText(mode, targets, tuple(aspects), cleaned, excluded, truncated)
