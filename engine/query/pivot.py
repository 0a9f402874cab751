"""Apply a pivot to the reference's attributes and write them as search text ("red striped cotton shirt")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from engine.query.errors import PivotError



def _check(name: str, attributes: Mapping[str, str]) -> None:
    if not isinstance(attributes, Mapping):
        raise PivotError(f"{name} must be a dict of family -> value, got {type(attributes).__name__} {attributes!r:.80}")
    for family, value in attributes.items():
        if not isinstance(family, str) or not isinstance(value, str):
            raise PivotError(
                f"{name} must map str family -> str value, got {family!r:.40} -> {value!r:.40}; "
                f"e.g. {{'color': 'red'}}"
            )


def apply_pivot(reference: Mapping[str, str], targets: Mapping[str, str]) -> dict[str, str]:
    """The reference's attributes, each targeted family replaced or added: blue striped shirt + red -> red striped."""
    _check("reference", reference)
    _check("targets", targets)
    return {**reference, **targets}


def enriched_query_text(attributes: Mapping[str, str], extra_words: str = "", word_order: Sequence[str] = ()) -> str:
    """Attribute values in word_order (the vocabulary's family order; other families after, by name), then
    extra_words; empty values skipped."""
    _check("attributes", attributes)
    if not isinstance(extra_words, str):
        raise PivotError(f"extra_words must be a str, got {type(extra_words).__name__} {extra_words!r:.80}")
    rank = {f: i for i, f in enumerate(word_order)}
    families = sorted(attributes, key=lambda f: (rank.get(f, len(rank)), f))
    words = [" ".join(attributes[f].split()) for f in families]
    words.append(" ".join(extra_words.split()))
    return " ".join(w for w in words if w)
