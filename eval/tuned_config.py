"""A pipeline config with fitted reranker weights, written as a TOML file that `load_config` reads back."""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace

from engine.rerank.weight_kernel import KernelWeights

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def with_weights(config, weights: KernelWeights, name: str, description: str):
    """A copy of a PipelineConfig with `weights` in its composite reranker, renamed."""
    rerank = replace(config.rerank, weights=weights.composite(), fill_positions=int(weights.fill_positions),
                     cg_boost=replace(config.rerank.cg_boost, strength=float(weights.strength)))
    return replace(config, name=name, description=description, rerank=rerank)


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key)


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write the non-finite number {value!r} to a config file")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise ValueError(f"cannot write {value!r} ({type(value).__name__}) to a config file")


def config_toml(config, header: str = "") -> str:
    """The TOML text of a PipelineConfig (every setting written out); `header` becomes leading comments."""
    data = config.to_dict()
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    lines += [f"description = {_value(data['description'])}", f"fetch_k = {_value(data['fetch_k'])}",
              f"relevance = {_value(data['relevance'])}", f"engagement = {_value(data['engagement'])}"]
    for generator in data["generators"]:
        lines += ["", "[[generators]]", f"cg = {_value(generator['cg'])}", f"params = {_value(generator['params'])}"]
    rerank = data["rerank"]
    lines += ["", "[rerank]"]
    lines += [f"{_key(k)} = {_value(v)}" for k, v in rerank.items() if not isinstance(v, dict)]
    for table in ("weights", "cg_boost"):
        lines += ["", f"[rerank.{table}]"] + [f"{_key(k)} = {_value(v)}" for k, v in rerank[table].items()]
    return "\n".join(lines) + "\n"
