"""Typed records of the attribute pipeline (PinLanding): raw extraction -> curated vocabulary -> tagged items.

These are the boundaries between extraction (extract*.py), curation (curate*.py), the tagger (tagger*.py)
and collections (engine/collections): each stage reads the previous stage's records and writes its own.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class RawAttribute:
    """One key-value pair as an extractor reported it, before any normalisation ("primary color": "Crimson")."""

    item_id: str
    key: str
    value: str


@dataclass
class ExtractionReport:
    """What one extraction pass produced, and what it had to skip."""

    items: int = 0  # items read
    pairs: int = 0  # key-value pairs kept
    malformed: int = 0  # replies or lines that could not be parsed (counted, skipped)
    problems: list[str] = field(default_factory=list)  # the first few malformed inputs, for the report


@dataclass(frozen=True)
class CuratedVocabulary:
    """The curated vocabulary: canonical values per family, and where every raw surface form goes.

    `families[f]` lists the canonical values of family f, most frequent first. `mapping[(key, value)]`
    maps a raw (normalised key, normalised value) to (family, canonical value); raw pairs that were
    filtered out (too rare, not an attribute family) are absent. `stages` records counts before and after
    each curation stage, e.g. {"frequency": {"before": 5210, "after": 812}, ...}. `keys` is the learned
    key-to-family grouping and what it dropped (learn_keys.KeyFamilies.to_dict(); empty in old files).
    """

    families: dict[str, list[str]]
    mapping: dict[tuple[str, str], tuple[str, str]]
    stages: dict[str, dict[str, int]] = field(default_factory=dict)
    keys: dict = field(default_factory=dict)

    def to_json(self) -> str:
        data = {"families": self.families, "stages": self.stages, "keys": self.keys,
                "mapping": [[k, v, f, c] for (k, v), (f, c) in sorted(self.mapping.items())]}
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str, source: str = "<vocabulary>") -> CuratedVocabulary:
        try:
            data = json.loads(text)
            return cls({f: list(v) for f, v in data["families"].items()},
                       {(k, v): (f, c) for k, v, f, c in data["mapping"]}, dict(data.get("stages", {})),
                       dict(data.get("keys", {})))
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{source} is not a curated vocabulary file ({error}); "
                             "remake it with `workbench attributes run`") from None

    def save(self, path: Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> CuratedVocabulary:
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"curated vocabulary {path} not found; make it with `workbench attributes run`")
        return cls.from_json(path.read_text(encoding="utf-8"), str(path))


@dataclass(frozen=True)
class ItemAttribute:
    """One attribute the tagger (or extraction) assigned to an item, with its confidence in 0..1."""

    item_id: str
    family: str
    value: str
    confidence: float

    def to_dict(self) -> dict:
        return asdict(self)
