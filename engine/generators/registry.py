"""The one list of candidate generators: config names, CLI choices and errors come from here."""

from __future__ import annotations

from engine.generators.base import CandidateGenerator
from engine.generators.early_fusion import EARLY_FUSION
from engine.generators.late_fusion import LATE_FUSION
from engine.generators.learned import LEARNED
from engine.generators.lexical import LEXICAL
from engine.generators.text import TEXT

GENERATORS: dict[str, CandidateGenerator] = {g.name: g for g in (TEXT, LATE_FUSION, LEXICAL, LEARNED, EARLY_FUSION)}


def get_generator(name: str) -> CandidateGenerator:
    try:
        return GENERATORS[name]
    except KeyError:
        raise ValueError(f"unknown candidate generator {name!r}; known: {', '.join(GENERATORS)}") from None
