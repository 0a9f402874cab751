"""The reranking settings: composite weights, attribute-boost aggregation, CG boost, fill and RRF."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from engine.rerank.errors import RerankConfigError

AGGREGATES = ("sum", "product", "mean")  # how per-attribute factors (1 + w5*confidence) combine


def _check_number(name: str, value: float, *, minimum: float = 0.0, strict: bool = False) -> None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    ok = ok and (value > minimum if strict else value >= minimum)
    if not ok:
        bound = f"> {minimum}" if strict else f">= {minimum}"
        raise RerankConfigError(f"{name} = {value!r}; expected a finite number {bound}: fix it in the rerank config")


@dataclass(frozen=True)
class CompositeWeights:
    """The weights of the composite reranking score (Multi-Modal Search, section 2.2)."""

    w1: float = 1.0  # image similarity: cosine of the result's and the reference image's embeddings
    w2: float = 1.0  # text similarity: cosine of the result's and the query text's embeddings
    w3: float = 0.5  # engagement: the predicted engagement score
    w4: float = 0.5  # relevance: the predicted relevance score
    w5: float = 0.5  # attribute confidence: each matched attribute contributes (1 + w5 * confidence)

    def __post_init__(self) -> None:
        for name in ("w1", "w2", "w3", "w4", "w5"):
            _check_number(f"weights.{name}", getattr(self, name))


@dataclass(frozen=True)
class CgBoostConfig:
    """How the CG boost balances the CGs' shares of the top results (see engine/rerank/cg_boost.py)."""

    enabled: bool = True  # False: every candidate's cg_boost is 1.0
    top_n: int = 50  # shares are measured over the top_n candidates by score before the CG boost
    strength: float = 0.5  # exponent of (fair share / share); 0 turns the boost off, 1 equalizes fully
    lo: float = 0.5  # the smallest boost a CG can get
    hi: float = 2.0  # the largest boost a CG can get (also that of a CG absent from the top_n)

    def __post_init__(self) -> None:
        if not isinstance(self.enabled, bool):
            raise RerankConfigError(f"cg_boost.enabled = {self.enabled!r}; expected true or false")
        if not isinstance(self.top_n, int) or isinstance(self.top_n, bool) or self.top_n < 1:
            raise RerankConfigError(f"cg_boost.top_n = {self.top_n!r}; expected an integer >= 1")
        _check_number("cg_boost.strength", self.strength)
        _check_number("cg_boost.lo", self.lo, strict=True)
        _check_number("cg_boost.hi", self.hi, strict=True)
        if self.lo > self.hi:
            raise RerankConfigError(f"cg_boost.lo = {self.lo!r} > cg_boost.hi = {self.hi!r}; expected lo <= hi")


@dataclass(frozen=True)
class RerankConfig:
    """Which reranker runs, with its settings, and how many top positions attribute fill takes."""

    reranker: str = "composite"  # a name in engine.rerank.RERANKERS
    weights: CompositeWeights = field(default_factory=CompositeWeights)  # composite only
    aggregate: str = "sum"  # composite only: one of AGGREGATES; "sum" is the seed's formula
    cg_boost: CgBoostConfig = field(default_factory=CgBoostConfig)  # composite only
    fill_positions: int = 8  # attribute fill of the top positions (the seed's top 8); 0: no fill
    rrf_k: float = 60.0  # rrf only: score = sum over sources of 1 / (rrf_k + rank)

    def __post_init__(self) -> None:
        if not isinstance(self.reranker, str) or not self.reranker:
            raise RerankConfigError(f"reranker = {self.reranker!r}; expected a reranker name")
        if not isinstance(self.weights, CompositeWeights):
            raise RerankConfigError(f"weights = {self.weights!r}; expected a CompositeWeights")
        if self.aggregate not in AGGREGATES:
            raise RerankConfigError(f"aggregate = {self.aggregate!r}; expected one of {', '.join(AGGREGATES)}")
        if not isinstance(self.cg_boost, CgBoostConfig):
            raise RerankConfigError(f"cg_boost = {self.cg_boost!r}; expected a CgBoostConfig")
        if not isinstance(self.fill_positions, int) or isinstance(self.fill_positions, bool) or self.fill_positions < 0:
            raise RerankConfigError(f"fill_positions = {self.fill_positions!r}; expected an integer >= 0 (0: no fill)")
        _check_number("rrf_k", self.rrf_k)

    def to_dict(self) -> dict:
        """A plain, JSON-ready form that from_dict reads back."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> RerankConfig:
        """The config from its to_dict form; missing keys take their defaults."""
        known = {"reranker", "weights", "aggregate", "cg_boost", "fill_positions", "rrf_k"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise RerankConfigError(f"unknown rerank settings {unknown}; known: {sorted(known)}")
        values = dict(data)
        try:
            if isinstance(values.get("weights"), dict):
                values["weights"] = CompositeWeights(**values["weights"])
            if isinstance(values.get("cg_boost"), dict):
                values["cg_boost"] = CgBoostConfig(**values["cg_boost"])
        except TypeError as error:
            raise RerankConfigError(f"bad rerank setting: {error}") from None
        return cls(**values)
