"""The item encoder's three tokenizers over enriched text: word unigrams, word bigrams, character trigrams."""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z0-9]+")
BOUNDARY = "#"  # marks a word's start and end in its character trigrams: "red" -> "#re", "red", "ed#"


def words(text: str) -> list[str]:
    """Lower-cased alphanumeric words, in order."""
    return _WORD.findall(text.lower())


def unigrams(text: str) -> list[str]:
    return words(text)


def bigrams(text: str) -> list[str]:
    w = words(text)
    return [f"{a} {b}" for a, b in zip(w, w[1:])]


def char_trigrams(text: str) -> list[str]:
    """Trigrams of each word with boundary marks; a one-letter word gives its one padded trigram."""
    out = []
    for word in words(text):
        padded = f"{BOUNDARY}{word}{BOUNDARY}"
        out += [padded[i:i + 3] for i in range(len(padded) - 2)]
    return out


def all_tokens(text: str) -> list[str]:
    """All three kinds, each prefixed by its kind ("u:", "b:", "c:") so they never collide in the shared table."""
    return ([f"u:{t}" for t in unigrams(text)] + [f"b:{t}" for t in bigrams(text)]
            + [f"c:{t}" for t in char_trigrams(text)])
