"""The home-goods sample's ground-truth vocabulary: `vocabulary.toml` beside this file, read by the shared parser."""

from __future__ import annotations

from pathlib import Path

from sample_data.vocabulary import Vocabulary, load_vocabulary

HOME_VOCABULARY_PATH = Path(__file__).with_name("vocabulary.toml")


def load_home_vocabulary(path: str | Path = HOME_VOCABULARY_PATH) -> Vocabulary:
    """The home sample's vocabulary; every family needs two values or more (cached; it is immutable)."""
    return load_vocabulary(path, min_values=2)
