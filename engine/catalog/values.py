"""Turn one raw metadata value (a CSV string, or a JSON/Parquet value) into its typed form."""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import math
from typing import Any

from engine.catalog.columns import DEFAULT_KIND, KINDS, LIST_SEPARATOR
from engine.catalog.problems import RowError
from engine.catalog.text import clean_optional_text, clean_text


def is_missing(value: Any) -> bool:
    """None, a NaN, or an empty CSV cell: the column was not given for this row."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def parse_text(column: str, value: Any) -> str | None:
    """A text column; numbers are accepted and written as text."""
    if is_missing(value):
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float, decimal.Decimal)):
        raise RowError(column, f"{column} is a {type(value).__name__} ({_short(value)}), not text",
                       f"write {column} as plain text")
    return clean_optional_text(str(value))


def parse_list(column: str, value: Any) -> tuple[str, ...]:
    """A list of text: a real list, a JSON array string, or a '|'-separated string."""
    if is_missing(value):
        return ()
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            try:
                value = json.loads(stripped)
            except json.JSONDecodeError as error:
                raise RowError(column, f"{column} starts like a JSON array but is not one ({error.msg}): "
                               f"{_short(stripped)}",
                               f'write a JSON array like ["a", "b"], or separate the values with '
                               f'"{LIST_SEPARATOR}"') from None
        else:
            value = stripped.split(LIST_SEPARATOR)
    if not isinstance(value, (list, tuple)):
        raise RowError(column, f"{column} is a {type(value).__name__} ({_short(value)}), not a list",
                       f'give a list, or a "{LIST_SEPARATOR}"-separated string')
    cleaned = []
    for element in value:
        if element is None:
            continue
        if isinstance(element, bool) or not isinstance(element, (str, int, float)):
            raise RowError(column, f"{column} holds a {type(element).__name__} ({_short(element)}), "
                           "where only text is allowed", f"make every element of {column} a string")
        text = clean_optional_text(str(element))
        if text is not None:
            cleaned.append(text)
    return tuple(cleaned)


def parse_price(column: str, value: Any) -> float | None:
    """A number >= 0."""
    if is_missing(value):
        return None
    if isinstance(value, bool):
        number = math.nan  # True is an int to Python, never a price
    elif isinstance(value, (int, float, decimal.Decimal)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = math.nan
    else:
        number = math.nan
    if not math.isfinite(number):
        raise RowError(column, f"{column} {_short(value)} is not a number",
                       "write a plain number like 19.99, without currency sign or thousands separator")
    if number < 0:
        raise RowError(column, f"{column} {_short(value)} is negative", "give a price of 0 or more")
    return number


def parse_kind(column: str, value: Any) -> str:
    """'product' (the default) or 'scene'."""
    if is_missing(value):
        return DEFAULT_KIND
    kind = str(value).strip().lower()
    if kind not in KINDS:
        raise RowError(column, f"{column} {_short(value)} is not one of {', '.join(KINDS)}",
                       f"write one of {', '.join(KINDS)}, or leave it empty for {DEFAULT_KIND}")
    return kind


def to_json_value(value: Any) -> Any:
    """A value for the `extra` JSON: text cleaned, NaN as null, dates and bytes as text."""
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(key)): to_json_value(inner) for key, inner in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_value(inner) for inner in value]
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, decimal.Decimal):
        return to_json_value(float(value))
    return clean_text(str(value))


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
