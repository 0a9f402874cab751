"""Safely quoted SQL literals and IN lists for LanceDB `where` clauses."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from engine.query.errors import SqlLiteralError

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def sql_literal(value: str) -> str:
    """A single-quoted SQL string literal with quotes doubled; NUL, control characters and surrogates refused."""
    if not isinstance(value, str):
        raise SqlLiteralError(f"SQL literal must be a str, got {type(value).__name__} {value!r:.80}; convert it first")
    for i, ch in enumerate(value):
        if ch == "\x00":
            raise SqlLiteralError(f"SQL literal {value!r:.80} has a NUL byte at position {i}; remove it before filtering")
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs"):
            kind = "control character" if category == "Cc" else "lone surrogate"
            raise SqlLiteralError(
                f"SQL literal {value!r:.80} has a {kind} {ch!r} at position {i}; "
                f"clean the value (engine.query.clean_query_text) before filtering"
            )
    return "'" + value.replace("'", "''") + "'"


def check_column(column: str) -> str:
    """The column name itself when it is a plain identifier, else an error."""
    if not isinstance(column, str) or not IDENTIFIER.fullmatch(column):
        raise SqlLiteralError(
            f"column name {column!r:.80} is not a plain identifier; expected letters, digits and _ "
            f"not starting with a digit (regex {IDENTIFIER.pattern})"
        )
    return column


def in_list(column: str, values: Iterable[str]) -> str:
    """`column IN ('a', 'b')` with a checked column name and quoted, de-duplicated values in first-seen order."""
    check_column(column)
    if isinstance(values, str):
        raise SqlLiteralError(
            f"in_list values must be a collection of str, got the single str {values!r:.80}; wrap it in a list"
        )
    unique = list(dict.fromkeys(values))
    if not unique:
        raise SqlLiteralError(f"in_list({column!r}, ...) got no values; `IN ()` is not valid SQL, skip the filter instead")
    return f"{column} IN ({', '.join(sql_literal(v) for v in unique)})"
