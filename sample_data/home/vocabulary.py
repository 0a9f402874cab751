"""The home-goods sample's ground-truth vocabulary, loaded from `vocabulary.toml` beside this file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HOME_VOCABULARY_PATH = Path(__file__).with_name("vocabulary.toml")


@dataclass(frozen=True)
class HomeValue:
    """One value: its prior weight, its surface forms (the canonical name first) and, for colours, its RGB."""

    name: str
    weight: float
    forms: tuple[str, ...]
    rgb: tuple[int, int, int] | None = None


@dataclass(frozen=True)
class HomeFamily:
    """An attribute family with its values in vocabulary order."""

    name: str
    values: tuple[HomeValue, ...]
    visible: bool  # drawn by the renderer, so readable off the image

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.values)

    def value(self, name: str) -> HomeValue:
        for v in self.values:
            if v.name == name:
                return v
        raise KeyError(f"unknown {self.name} value {name!r}; known values are {', '.join(self.names)}")


@dataclass(frozen=True)
class HomeAffinity:
    """When `when_family` has `when_value`, multiply the prior weights of later families by `then`."""

    when_family: str
    when_value: str
    then: dict[str, dict[str, float]]


@dataclass(frozen=True)
class HomeVocabulary:
    families: dict[str, HomeFamily]  # in sampling order
    affinities: tuple[HomeAffinity, ...]

    @property
    def family_names(self) -> tuple[str, ...]:
        return tuple(self.families)

    def forms(self, family: str, value: str) -> tuple[str, ...]:
        return self.families[family].value(value).forms


def parse_home_vocabulary(data: dict, source: str = "<home vocabulary>") -> HomeVocabulary:
    """Build and check a HomeVocabulary from parsed TOML."""
    families: dict[str, HomeFamily] = {}
    for fname, body in data["families"].items():
        values = []
        for v in body["values"]:
            forms = tuple(v.get("synonyms", [v["name"]]))
            if forms[0] != v["name"]:
                raise ValueError(f"{source}: {fname} value {v['name']!r} must list its own name first in synonyms, "
                                 f"got {forms[0]!r}")
            values.append(HomeValue(v["name"], float(v["weight"]), forms, tuple(v["rgb"]) if "rgb" in v else None))
        if len(values) < 2:
            raise ValueError(f"{source}: family {fname!r} has {len(values)} value(s); give it at least two")
        families[fname] = HomeFamily(fname, tuple(values), bool(body.get("visible", False)))
    order = list(families)
    affinities = []
    for i, rule in enumerate(data.get("affinity", [])):
        (wf, wv), = rule["when"].items()
        where = f"{source}: affinity rule {i + 1} (when {wf} = {wv!r})"
        if wf not in families or wv not in families[wf].names:
            raise ValueError(f"{where}: {wf} = {wv!r} is not in the vocabulary")
        for tf, weights in rule["then"].items():
            if tf not in families or order.index(tf) <= order.index(wf):
                raise ValueError(f"{where}: {tf!r} is not a family sampled after {wf!r}; "
                                 f"the families in sampling order are {', '.join(order)}")
            unknown = sorted(set(weights) - set(families[tf].names))
            if unknown:
                raise ValueError(f"{where}: {tf} has no value(s) {unknown}")
        affinities.append(HomeAffinity(wf, wv, {k: dict(v) for k, v in rule["then"].items()}))
    return HomeVocabulary(families, tuple(affinities))


@lru_cache(maxsize=None)
def load_home_vocabulary(path: str | Path = HOME_VOCABULARY_PATH) -> HomeVocabulary:
    """The home sample's vocabulary (cached; it is immutable)."""
    path = Path(path)
    with path.open("rb") as fh:
        return parse_home_vocabulary(tomllib.load(fh), str(path))
