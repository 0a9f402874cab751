"""Make raw query text safe to parse: no control or bidi characters, NFC, single spaces, bounded length."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, NamedTuple

from engine.query.errors import QueryTextError

if TYPE_CHECKING:
    from engine.records import Query

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


# ---- the one path every query text takes before it reaches a model ----------------------------------

_REENCODE = "re-save the text as UTF-8"


class CleanedQuery(NamedTuple):
    """A query whose text is safe to embed, and the notices to show the user (e.g. the text was cut)."""

    query: Query
    notices: tuple[str, ...]


def decode_query_bytes(data: bytes, where: str) -> str:
    """UTF-8 bytes as text (a leading BOM dropped), or a QueryTextError naming `where` and the first bad byte."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise QueryTextError(f"{where}: byte {error.start + 1} (0x{data[error.start]:02x}) is not valid UTF-8; "
                             f"{_REENCODE}") from None


def check_no_surrogates(text: str, where: str) -> str:
    """The text, unless it holds lone surrogates (undecodable bytes on the command line, or `\\udXXX` escapes)."""
    for index, ch in enumerate(text):
        if "\ud800" <= ch <= "\udfff":
            what = (f"byte 0x{ord(ch) - 0xDC00:02x}, which is not valid UTF-8" if 0xDC80 <= ord(ch) <= 0xDCFF
                    else f"the unpaired surrogate \\u{ord(ch):04x}")
            raise QueryTextError(f"{where}: the text holds {what} at character {index + 1}; {_REENCODE} "
                                 "(and remove broken \\udXXX escapes)")
    return text


def clean_query(query: Query, where: str = "the query", max_chars: int = DEFAULT_MAX_CHARS) -> CleanedQuery:
    """The query with its text checked (UTF-8), cleaned (clean_query_text) and bounded; a cut text gets a notice."""
    from dataclasses import replace

    text = query.text if query.text is not None else ""
    if not isinstance(text, str):
        raise QueryTextError(f"{where}: text must be a string, got {type(text).__name__}")
    cleaned, truncated = clean_query_text(check_no_surrogates(text, where), max_chars)
    notices = ()
    if truncated:
        notices = (f"{where}: the text has {len(' '.join(text.split())):,} characters; only the first {max_chars} "
                   f"were searched (the limit); shorten it to keep the rest",)
    return CleanedQuery(replace(query, text=cleaned), notices)
