"""The sample catalog's attribute vocabulary, loaded from `vocabulary.toml`."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

VOCABULARY_PATH = Path(__file__).with_name("vocabulary.toml")


@dataclass(frozen=True)
class Value:
    """One attribute value with its prior weight and the words used for it in text."""

    name: str
    weight: float
    synonyms: tuple[str, ...]
    rgb: tuple[int, int, int] | None = None  # colors only


@dataclass(frozen=True)
class Family:
    """An attribute family (category, color, ...) and its values in vocabulary order."""

    name: str
    values: tuple[Value, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.values)

    def value(self, name: str) -> Value:
        for v in self.values:
            if v.name == name:
                return v
        raise KeyError(f"unknown {self.name} value {name!r}; known values are {', '.join(self.names)}")


@dataclass(frozen=True)
class Affinity:
    """When family `when_family` has `when_value`, multiply the weights in `then`."""

    when_family: str
    when_value: str
    then: dict[str, dict[str, float]]


@dataclass(frozen=True)
class Vocabulary:
    families: dict[str, Family]  # in sampling order
    affinities: tuple[Affinity, ...]

    @property
    def family_names(self) -> tuple[str, ...]:
        return tuple(self.families)

    def family(self, name: str) -> Family:
        try:
            return self.families[name]
        except KeyError:
            raise KeyError(f"unknown attribute family {name!r}; known families are {', '.join(self.families)}") from None


def parse_vocabulary(data: dict, source: str = "<vocabulary>") -> Vocabulary:
    """Build and check a Vocabulary from parsed TOML."""
    families: dict[str, Family] = {}
    for fname, body in data["families"].items():
        values = tuple(
            Value(
                name=v["name"],
                weight=float(v["weight"]),
                synonyms=tuple(v.get("synonyms", [v["name"]])),
                rgb=tuple(v["rgb"]) if "rgb" in v else None,
            )
            for v in body["values"]
        )
        families[fname] = Family(fname, values)
    order = list(families)
    affinities = []
    for i, rule in enumerate(data.get("affinity", [])):
        (wf, wv), = rule["when"].items()
        where = f"{source}: affinity rule {i + 1} (when {wf} = {wv!r})"
        if wf not in families or wv not in families[wf].names:
            raise ValueError(f"{where}: {wf} = {wv!r} is not in the vocabulary")
        for tf, weights in rule["then"].items():
            if tf not in families:
                raise ValueError(f"{where}: unknown family {tf!r}")
            if order.index(tf) <= order.index(wf):
                raise ValueError(
                    f"{where}: {tf!r} is sampled before {wf!r}, so this rule could never apply; "
                    f"move the family or invert the rule"
                )
            for value in weights:
                if value not in families[tf].names:
                    raise ValueError(f"{where}: {tf} has no value {value!r}")
        affinities.append(Affinity(wf, wv, {k: dict(v) for k, v in rule["then"].items()}))
    return Vocabulary(families, tuple(affinities))


@lru_cache(maxsize=None)
def load_vocabulary(path: str | Path = VOCABULARY_PATH) -> Vocabulary:
    """The sample vocabulary (cached; it is immutable)."""
    path = Path(path)
    with path.open("rb") as fh:
        return parse_vocabulary(tomllib.load(fh), str(path))
