"""A sample catalog's attribute vocabulary, loaded from a `vocabulary.toml` (fashion's beside this file)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

VOCABULARY_PATH = Path(__file__).with_name("vocabulary.toml")


@dataclass(frozen=True)
class Value:
    """One attribute value with its prior weight and the words used for it in text (its own name first)."""

    name: str
    weight: float
    synonyms: tuple[str, ...]
    rgb: tuple[int, int, int] | None = None  # colors only


@dataclass(frozen=True)
class Family:
    """An attribute family (category, color, ...) and its values in vocabulary order."""

    name: str
    values: tuple[Value, ...]
    visible: bool = False  # drawn by the renderer, so readable off the image

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

    def forms(self, family: str, value: str) -> tuple[str, ...]:
        """The words used in text for `value` of `family`, its canonical name first."""
        return self.family(family).value(value).synonyms


def _value(v: dict, family: str, source: str) -> Value:
    synonyms = tuple(v.get("synonyms", [v["name"]]))
    if synonyms[0] != v["name"]:  # the first synonym is the canonical name
        raise ValueError(f"{source}: {family} value {v['name']!r} must list its own name first in synonyms, "
                         f"got {synonyms[0]!r}")
    return Value(v["name"], float(v["weight"]), synonyms, tuple(v["rgb"]) if "rgb" in v else None)


def parse_vocabulary(data: dict, source: str = "<vocabulary>", min_values: int = 1) -> Vocabulary:
    """Build and check a Vocabulary from parsed TOML; each family must have at least `min_values` values."""
    families: dict[str, Family] = {}
    for fname, body in data["families"].items():
        values = tuple(_value(v, fname, source) for v in body["values"])
        if len(values) < min_values:
            raise ValueError(f"{source}: family {fname!r} has {len(values)} value(s); give it at least {min_values}")
        families[fname] = Family(fname, values, bool(body.get("visible", False)))
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
            unknown = sorted(set(weights) - set(families[tf].names))
            if unknown:
                raise ValueError(f"{where}: {tf} has no value(s) {unknown}")
        affinities.append(Affinity(wf, wv, {k: dict(v) for k, v in rule["then"].items()}))
    return Vocabulary(families, tuple(affinities))


@lru_cache(maxsize=None)
def load_vocabulary(path: str | Path = VOCABULARY_PATH, min_values: int = 1) -> Vocabulary:
    """The vocabulary in the TOML file at `path`, fashion's by default (cached; it is immutable)."""
    path = Path(path)
    with path.open("rb") as fh:
        return parse_vocabulary(tomllib.load(fh), str(path), min_values)
