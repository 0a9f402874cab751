"""Normalising raw keys and values, and mapping raw keys to attribute families (table in key_aliases.toml)."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

KEY_ALIASES_PATH = Path(__file__).with_name("key_aliases.toml")
FAMILIES = ("category", "color", "pattern", "material", "style", "season", "occasion")

_SPACES = re.compile(r"\s+")
_EDGE_PUNCT = re.compile(r"^[\s\"'`.,;:!?()\[\]{}*_-]+|[\s\"'`.,;:!?()\[\]{}*_-]+$")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=1)
def _aliases() -> tuple[dict[str, str], tuple[str, ...]]:
    with KEY_ALIASES_PATH.open("rb") as fh:
        data = tomllib.load(fh)
    table = {}
    for family, keys in data["families"].items():
        for key in keys:
            table[normalise_key(key)] = family
    return table, tuple(data.get("values", {}).get("strip_prefixes", ()))


def normalise_key(key: str) -> str:
    """Lowercase, "_"/"-" as spaces, single spaces, no edge punctuation: "Primary_Color:" -> "primary color"."""
    key = _SPACES.sub(" ", key.lower().replace("_", " ").replace("-", " "))
    return _EDGE_PUNCT.sub("", key)


def normalise_value(value: str) -> str:
    """Lowercase, single spaces, no edge punctuation, no empty prefixes: "  100% Cotton. " -> "cotton"."""
    value = _EDGE_PUNCT.sub("", _SPACES.sub(" ", value.lower()))
    for prefix in _aliases()[1]:
        if value.startswith(prefix) and len(value) > len(prefix):
            value = value[len(prefix):]
    return value


def spelling_key(value: str) -> str:
    """Letters and digits only: "t-shirt", "t shirt" and "tshirt" spell one value."""
    return _NOT_ALNUM.sub("", value)


def family_of(key: str) -> str | None:
    """The family a (normalised) raw key names, or None when it names none."""
    return _aliases()[0].get(normalise_key(key))


def key_aliases() -> dict[str, str]:
    """The whole alias table, normalised key -> family."""
    return dict(_aliases()[0])
