"""Normalising raw keys and values (families are learned from the keys: learn_keys.py)."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import lru_cache
from pathlib import Path

VALUE_PREFIXES_PATH = Path(__file__).with_name("value_prefixes.toml")

_SPACES = re.compile(r"\s+")
_EDGE_PUNCT = re.compile(r"^[\s\"'`.,;:!?()\[\]{}*_-]+|[\s\"'`.,;:!?()\[\]{}*_-]+$")
_NOT_ALNUM = re.compile(r"[\W_]+")  # Unicode-aware: "crème" keeps its è


@lru_cache(maxsize=1)
def _strip_prefixes() -> tuple[str, ...]:
    with VALUE_PREFIXES_PATH.open("rb") as fh:
        return tuple(tomllib.load(fh).get("strip_prefixes", ()))


def normalise_key(key: str) -> str:
    """Lowercase, "_"/"-" as spaces, single spaces, no edge punctuation: "Primary_Color:" -> "primary color"."""
    key = unicodedata.normalize("NFC", key)
    key = _SPACES.sub(" ", key.lower().replace("_", " ").replace("-", " "))
    return _EDGE_PUNCT.sub("", key)


def normalise_value(value: str) -> str:
    """NFC, lowercase, single spaces, no edge punctuation, no empty prefixes: "  100% Cotton. " -> "cotton"."""
    value = _EDGE_PUNCT.sub("", _SPACES.sub(" ", unicodedata.normalize("NFC", value).lower()))
    for prefix in _strip_prefixes():
        if value.startswith(prefix) and len(value) > len(prefix):
            value = value[len(prefix):]
    return value


def spelling_key(value: str) -> str:
    """Letters and digits only: "t-shirt", "t shirt" and "tshirt" spell one value ("terra cotta", "terracotta")."""
    return _NOT_ALNUM.sub("", value)
