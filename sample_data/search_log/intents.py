"""Query intents as integers: which value of each family an intent asks for (0 = family absent)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from sample_data.spec import ProductSpec
from sample_data.vocabulary import load_vocabulary

QUERY_WORDS_PATH = Path(__file__).parents[1] / "query_words.toml"
DIGIT_BITS = 5  # bits per family in an intent key; a family may have up to 31 values


@dataclass(frozen=True)
class Words:
    families: tuple[str, ...]  # vocabulary order, category first
    values: dict[str, tuple[str, ...]]
    synonyms: dict[str, dict[str, tuple[str, ...]]]
    q: dict  # query_words.toml


@lru_cache(maxsize=1)
def load_words() -> Words:
    vocab = load_vocabulary()
    families = vocab.family_names
    if families[0] != "category":
        raise ValueError(f"the vocabulary must list category first, it lists {families}")
    with QUERY_WORDS_PATH.open("rb") as fh:
        q = tomllib.load(fh)
    return Words(
        families=families,
        values={f.name: f.names for f in vocab.families.values()},
        synonyms={f.name: {v.name: v.synonyms for v in f.values} for f in vocab.families.values()},
        q=q,
    )


def product_codes(products: Sequence[ProductSpec], ws: Words) -> np.ndarray:
    """(n, families) value indices of the products' true attributes."""
    index = {f: {v: i for i, v in enumerate(ws.values[f])} for f in ws.families}
    return np.array([[index[f][getattr(p, f)] for f in ws.families] for p in products], dtype=np.int16)


def intent_key(values: Sequence[int]) -> int:
    """One integer per intent: digit j (base 32) is family j's value index + 1, or 0 when absent."""
    return sum(int(v) << (DIGIT_BITS * j) for j, v in enumerate(values))


def intent_values(key: int, n_families: int) -> list[int]:
    return [(key >> (DIGIT_BITS * j)) & (2**DIGIT_BITS - 1) for j in range(n_families)]


def intent_dict(ws: Words, key: int) -> dict[str, str]:
    digits = intent_values(key, len(ws.families))
    return {f: ws.values[f][v - 1] for f, v in zip(ws.families, digits) if v}
