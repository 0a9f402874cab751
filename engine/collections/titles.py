"""Query-like topic titles: modifiers in the order people type them, the category last ("yellow summer party dress")."""

from __future__ import annotations

from collections.abc import Mapping

from engine.collections.errors import CollectionsError
from engine.collections.records import CATEGORY

# Unlike engine.query.pivot.WORD_ORDER (which puts the category before style, season and occasion words for
# embedding text), a landing-page title reads as a search: every modifier first, the category as the head noun.
TITLE_ORDER = ("color", "pattern", "material", "style", "season", "occasion")


def topic_title(attributes: Mapping[str, str]) -> str:
    """Values in TITLE_ORDER (other families after, by name), then the category."""
    if CATEGORY not in attributes:
        raise CollectionsError(f"a topic needs a {CATEGORY!r} attribute, got {dict(attributes)!r}")
    rank = {f: i for i, f in enumerate(TITLE_ORDER)}
    modifiers = sorted((f for f in attributes if f != CATEGORY), key=lambda f: (rank.get(f, len(TITLE_ORDER)), f))
    words = [" ".join(str(attributes[f]).split()) for f in (*modifiers, CATEGORY)]
    return " ".join(w for w in words if w)
