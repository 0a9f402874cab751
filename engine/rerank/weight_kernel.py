"""The composite reranker as a pure function of per-candidate terms and weights, for fitting weights offline.

`kernel_order(terms, weights, ...)` gives the same order as `rerank()` with a composite config of those weights
(composite score, CG boost, then attribute fill), computed with the same float operations in the same order, so
ties break alike. The terms are what a pipeline run already exposes: `terms_from_results` reads them from the
results of one `search(..., k=MAX_K)` (every candidate, each with its unweighted ScoreBreakdown), so weights can
be searched without running the CGs again. tests/eval/test_tuning.py checks it against the real reranker.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engine.records import Result
from engine.rerank.attribute_fill import matches_all
from engine.rerank.composite import aggregate_factors
from engine.rerank.config import AGGREGATES, CgBoostConfig, CompositeWeights
from engine.rerank.errors import RerankConfigError

TUNABLE = ("w1", "w2", "w3", "w4", "w5", "strength", "fill_positions")  # KernelWeights' fields, in search order


@dataclass(frozen=True)
class CandidateTerms:
    """One candidate's unweighted reranking terms."""

    item_id: str
    image_sim: float
    text_sim: float
    engagement: float
    relevance: float
    matched_confidence: tuple[float, ...]  # confidence of each target attribute it matches, in target order
    cgs: tuple[str, ...]  # the distinct CGs that retrieved it, first-seen order (empty: no sources)
    fills: bool  # it carries every target attribute of a query that has targets (attribute fill may move it up)


@dataclass(frozen=True)
class KernelWeights:
    """The composite reranker's tunable settings: CompositeWeights, the CG boost's strength, the fill depth."""

    w1: float = 1.0  # image similarity
    w2: float = 1.0  # text similarity
    w3: float = 0.5  # engagement
    w4: float = 0.5  # relevance
    w5: float = 0.5  # attribute confidence: each matched target attribute contributes (1 + w5 * confidence)
    strength: float = 0.5  # CgBoostConfig.strength (0: no CG boost)
    fill_positions: int = 8  # RerankConfig.fill_positions (0: no attribute fill)

    def composite(self) -> CompositeWeights:
        """w1..w5 as the reranker's CompositeWeights (checks them)."""
        return CompositeWeights(self.w1, self.w2, self.w3, self.w4, self.w5)

    @classmethod
    def of_config(cls, rerank_config) -> KernelWeights:
        """The settings a RerankConfig holds."""
        w = rerank_config.weights
        return cls(w.w1, w.w2, w.w3, w.w4, w.w5, rerank_config.cg_boost.strength, rerank_config.fill_positions)


def terms_from_results(results: Sequence[Result], target_attributes: Mapping[str, str]) -> list[CandidateTerms]:
    """Each result's unweighted terms (the breakdown's features, its matched confidences, CGs and fill match)."""
    out = []
    for r in results:
        b = r.breakdown
        matched = tuple(r.attribute_confidence.get(family, 1.0) for family, value in target_attributes.items()
                        if r.attributes.get(family) == value)
        cgs = tuple(dict.fromkeys(s.cg for s in r.sources))
        fills = bool(target_attributes) and matches_all(r.attributes, target_attributes)
        out.append(CandidateTerms(r.item_id, b.image_sim, b.text_sim, b.engagement, b.relevance, matched, cgs, fills))
    return out


def _attribute_boost(matched: tuple[float, ...], w5: float, aggregate: str) -> float:
    # engine.rerank.composite.attribute_boost, on the matched confidences only
    return aggregate_factors([1.0 + w5 * c for c in matched], aggregate)


def _cg_factors(terms: Sequence[CandidateTerms], scores: Sequence[float], config: CgBoostConfig) -> list[float]:
    # engine.rerank.cg_boost.candidate_cg_boosts, on the terms' CG tuples
    if not config.enabled:
        return [1.0] * len(terms)
    collected: dict[str, float] = {cg: 0.0 for t in terms for cg in t.cgs}
    order = sorted((i for i, t in enumerate(terms) if t.cgs), key=lambda i: (-scores[i], terms[i].item_id))
    order = order[:config.top_n]
    for i in order:
        cgs = terms[i].cgs
        for cg in cgs:
            collected[cg] += 1.0 / len(cgs)
    taken = len(order)
    shares = {cg: (amount / taken if taken else 0.0) for cg, amount in collected.items()}
    if not shares:
        return [1.0] * len(terms)
    fair = 1.0 / len(shares)
    boosts = {}
    for cg, share in shares.items():
        raw = (fair / share) ** config.strength if share > 0 else (1.0 if config.strength == 0 else config.hi)
        boosts[cg] = min(config.hi, max(config.lo, raw))
    return [sum(boosts[cg] for cg in t.cgs) / len(t.cgs) if t.cgs else 1.0 for t in terms]


def kernel_scores(terms: Sequence[CandidateTerms], weights: KernelWeights, *, aggregate: str = "sum",
                  cg_boost: CgBoostConfig = CgBoostConfig()) -> list[float]:
    """Each candidate's composite score (before attribute fill); `cg_boost` gives top_n, lo, hi and enabled,
    `weights.strength` its strength."""
    if aggregate not in AGGREGATES:
        raise RerankConfigError(f"aggregate = {aggregate!r}; expected one of {', '.join(AGGREGATES)}")
    w = weights
    unboosted = [(w.w1 * t.image_sim + w.w2 * t.text_sim + w.w3 * t.engagement + w.w4 * t.relevance)
                 * _attribute_boost(t.matched_confidence, w.w5, aggregate) for t in terms]
    config = CgBoostConfig(cg_boost.enabled, cg_boost.top_n, weights.strength, cg_boost.lo, cg_boost.hi)
    return [base * factor for base, factor in zip(unboosted, _cg_factors(terms, unboosted, config))]


def kernel_order(terms: Sequence[CandidateTerms], weights: KernelWeights, *, aggregate: str = "sum",
                 cg_boost: CgBoostConfig = CgBoostConfig(), limit: int | None = None) -> list[str]:
    """The item ids in the order `rerank()` gives them (score descending, ties by item_id, then attribute fill)."""
    scores = kernel_scores(terms, weights, aggregate=aggregate, cg_boost=cg_boost)
    ranked = sorted(range(len(terms)), key=lambda i: (-scores[i], terms[i].item_id))
    positions = weights.fill_positions
    if positions > 0:
        matching = [n for n, i in enumerate(ranked) if terms[i].fills][:positions]
        if matching:
            chosen = set(matching)
            ranked = [ranked[n] for n in matching] + [i for n, i in enumerate(ranked) if n not in chosen]
    ids = [terms[i].item_id for i in ranked]
    return ids if limit is None else ids[:limit]
