"""`PipelineConfig`: which CGs run with which parameter settings, the relevance and engagement scorers, and the
reranker; and the one registry of config names.

Configs are TOML files (`configs/NAME.toml` in the repository, or `WORKSPACE/configs/NAME.toml` for a user's
own, or any path). A file with `kind = "http"` is an external search endpoint (engine.external.HttpConfig);
every other file is a pipeline config. The content hash covers everything that changes results (not the name
or description), so two files that search alike share a hash, and a run records exactly what made it.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from engine.features.engagement import get_engagement_scorer
from engine.features.relevance import get_relevance_scorer
from engine.generators.registry import get_generator
from engine.rerank.config import RerankConfig
from engine.rerank.registry import get_reranker

BUILTIN_DIR = Path(__file__).resolve().parents[2] / "configs"
MAX_FETCH_K = 10_000
# What `workbench search` and Explore use when no config is chosen. The learned parts (SearchSage CG, learned
# relevance, learned engagement) must each add >= 3% relevance@5 with a CI excluding zero to be in the default;
# on the sample none does (docs/search_quality.md, "Learned signals against their stand-ins"), so the default
# is the stand-ins. `full` keeps every learned part, for comparing on a user's own catalog and log.
DEFAULT_CONFIG = "full_standins"


class ConfigError(ValueError):
    """A pipeline config that cannot be used; the message names the file and the setting."""


@dataclass(frozen=True)
class GeneratorCalls:
    """One CG and the parameter settings it is called with (multi-fetch: one call per setting)."""

    cg: str
    params: tuple[dict, ...] = ({},)


@dataclass(frozen=True)
class PipelineConfig:
    kind: ClassVar[str] = "pipeline"
    name: str
    generators: tuple[GeneratorCalls, ...]
    fetch_k: int = 100  # candidates per CG call
    relevance: str = "text_similarity"  # a name in engine.features.RELEVANCE_SCORERS
    rerank: RerankConfig = field(default_factory=RerankConfig)
    description: str = ""
    engagement: str = "coec"  # a name in engine.features.engagement.ENGAGEMENT_SCORERS

    def __post_init__(self) -> None:
        if not self.generators:
            raise ConfigError(f"config {self.name!r} lists no generators; add at least one [[generators]] table")
        for calls in self.generators:
            generator = get_generator(calls.cg)  # unknown name -> the error lists the known ones
            if not calls.params:
                raise ConfigError(f"config {self.name!r}: CG {calls.cg!r} has an empty params list; "
                                  "omit params to use the defaults")
            for params in calls.params:
                generator.check_params(params)
        if not isinstance(self.fetch_k, int) or isinstance(self.fetch_k, bool) or not 1 <= self.fetch_k <= MAX_FETCH_K:
            raise ConfigError(f"config {self.name!r}: fetch_k = {self.fetch_k!r}; expected an integer 1..{MAX_FETCH_K}")
        get_relevance_scorer(self.relevance)
        get_engagement_scorer(self.engagement)
        get_reranker(self.rerank.reranker)

    def calls(self) -> list[tuple[str, dict]]:
        """Every CG call, in config order, with its full parameters (defaults filled in)."""
        return [(c.cg, get_generator(c.cg).check_params(p)) for c in self.generators for p in c.params]

    def to_dict(self) -> dict:
        return {"name": self.name, "description": self.description, "fetch_k": self.fetch_k,
                "relevance": self.relevance, "engagement": self.engagement,
                "generators": [{"cg": c.cg, "params": [dict(p) for p in c.params]} for c in self.generators],
                "rerank": self.rerank.to_dict()}

    def content_hash(self) -> str:
        """sha256 of the canonical JSON of what changes results (defaults filled in), first 16 hex digits."""
        content = {"fetch_k": self.fetch_k, "relevance": self.relevance,
                   "calls": [[cg, params] for cg, params in self.calls()], "rerank": self.rerank.to_dict()}
        if self.engagement != "coec":  # the default stays out, so configs written before the setting keep their hash
            content["engagement"] = self.engagement
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]

    @classmethod
    def from_dict(cls, data: dict, source: str = "<config>") -> PipelineConfig:
        known = {"name", "description", "fetch_k", "relevance", "engagement", "generators", "rerank"}
        data = {k: v for k, v in data.items() if not (k == "kind" and v == cls.kind)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"{source}: unknown settings {unknown}; known: {sorted(known)}")
        try:
            generators = []
            for g in data.get("generators", []):
                extra = sorted(set(g) - {"cg", "params"})
                if extra or "cg" not in g:
                    raise ConfigError(f"{source}: each [[generators]] needs cg = NAME and optional params = [...]; "
                                      f"got keys {sorted(g)}")
                params = g.get("params", [{}])
                if isinstance(params, dict):
                    params = [params]
                generators.append(GeneratorCalls(g["cg"], tuple(dict(p) for p in params)))
            rerank = RerankConfig.from_dict(data.get("rerank", {}))
            return cls(name=str(data.get("name", Path(source).stem)), generators=tuple(generators),
                       fetch_k=data.get("fetch_k", 100), relevance=data.get("relevance", "text_similarity"),
                       rerank=rerank, description=str(data.get("description", "")),
                       engagement=data.get("engagement", "coec"))
        except ConfigError:
            raise
        except (ValueError, TypeError) as error:
            raise ConfigError(f"{source}: {error}") from None


KINDS = ("pipeline", "http")  # what `kind = "..."` may say in a config file (default pipeline)


def config_dirs(workspace=None) -> list[Path]:
    """Where config names are looked up: the workspace's configs/, then the built-in ones."""
    dirs = [workspace.root / "configs"] if workspace is not None else []
    return [*dirs, BUILTIN_DIR]


def config_files(workspace=None) -> dict[str, list[Path]]:
    """Every config name -> the files that define it (more than one is an error when the name is loaded)."""
    names: dict[str, list[Path]] = {}
    for folder in config_dirs(workspace):
        if folder.is_dir():
            for path in sorted(folder.glob("*.toml")):
                names.setdefault(path.stem, []).append(path)
    return names


def known_configs(workspace=None) -> list[str]:
    """Every config name, workspace ones first: the one list behind CLI messages and the app's selects."""
    return list(config_files(workspace))


def load_config(name_or_path: str | Path, workspace=None):
    """A config by name (workspace configs/ or built-in) or by path to a TOML file: a PipelineConfig, or an
    HttpConfig for `kind = "http"`."""
    text = str(name_or_path)
    path = Path(text)
    if not (text.endswith(".toml") or path.is_file()):
        found = config_files(workspace).get(text, [])
        if not found:
            raise ConfigError(f"unknown config {text!r}; known: {', '.join(known_configs(workspace))} "
                              f"(or give a path to a .toml file)")
        if len(found) > 1:
            raise ConfigError(f"config name {text!r} is defined twice: {found[0]} and {found[1]}; a workspace "
                              f"config may not reuse a built-in name: rename {found[0].name} in {found[0].parent}")
        path = found[0]
    if not path.is_file():
        raise ConfigError(f"config file {path} not found")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"config file {path} is not valid TOML: {error}") from None
    data.setdefault("name", path.stem)
    kind = data.get("kind", "pipeline")
    if kind not in KINDS:
        raise ConfigError(f"{path}: kind = {kind!r} is unknown; known kinds: {', '.join(KINDS)}")
    if kind == "http":
        from engine.external.http_config import HttpConfig

        return HttpConfig.from_dict(data, str(path))
    return PipelineConfig.from_dict(data, str(path))
