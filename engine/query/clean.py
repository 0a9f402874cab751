"""Make raw query text safe to parse: no control or bidi characters, NFC, single spaces, bounded length."""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

from engine.query.errors import QueryTextError

DEFAULT_MAX_CHARS = 500


class CleanedText(NamedTuple):
    """The cleaned text and whether it was cut to max_chars (the caller reports that)."""

    text: str
    truncated: bool


def _keep(ch: str) -> str:
    """Whitespace controls become spaces; other controls, format (bidi, zero-width) and surrogates go."""
    if ch.isspace():
        return " "
    if unicodedata.category(ch) in ("Cc", "Cf", "Cs"):
        return ""
    return ch


def clean_query_text(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> CleanedText:
    """Strip control and bidi characters, NFC-normalise, collapse whitespace and cut to max_chars."""
    if not isinstance(text, str):
        raise QueryTextError(f"query text must be a str, got {type(text).__name__} {text!r:.80}; decode bytes first")
    if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1:
        raise QueryTextError(f"max_chars must be a positive int, got {max_chars!r}; use e.g. {DEFAULT_MAX_CHARS}")
    stripped = "".join(_keep(ch) for ch in text)
    collapsed = " ".join(unicodedata.normalize("NFC", stripped).split())
    if len(collapsed) <= max_chars:
        return CleanedText(collapsed, False)
    return CleanedText(collapsed[:max_chars].rstrip(), True)
