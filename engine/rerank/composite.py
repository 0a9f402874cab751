"""The composite reranking score of Multi-Modal Search (section 2.2):

score = (w1*image_sim + w2*text_sim + w3*engagement + w4*relevance) * attribute_boost * cg_boost,
attribute_boost = aggregate over the matched target attributes a of (1 + w5 * confidence_a).
A candidate's `attributes` hold only readings at or above their calibrated threshold (add_features puts the
others in `uncertain_attributes`), so an unsure reading never boosts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from engine.records import Candidate, Result, ScoreBreakdown
from engine.rerank.cg_boost import candidate_cg_boosts
from engine.rerank.config import AGGREGATES, CgBoostConfig, CompositeWeights
from engine.rerank.errors import RerankConfigError
from engine.rerank.results import ranked_results


def linear_score(features: Mapping[str, float], weights: CompositeWeights) -> float:
    """w1*image_sim + w2*text_sim + w3*engagement + w4*relevance; a missing feature counts 0.0."""
    return (weights.w1 * features.get("image_sim", 0.0) + weights.w2 * features.get("text_sim", 0.0)
            + weights.w3 * features.get("engagement", 0.0) + weights.w4 * features.get("relevance", 0.0))


def attribute_boost(candidate: Candidate, target_attributes: Mapping[str, str], w5: float, aggregate: str) -> float:
    """Aggregate (1 + w5*confidence) over the target attributes the candidate matches; 1.0 when none match.

    "sum" is the seed's formula as written; "product" and "mean" keep one match's factor the same and
    differ in how several matches add up. A missing confidence counts 1.0.
    """
    if aggregate not in AGGREGATES:
        raise RerankConfigError(f"aggregate = {aggregate!r}; expected one of {', '.join(AGGREGATES)}")
    return aggregate_factors([1.0 + w5 * candidate.attribute_confidence.get(family, 1.0)
                              for family, value in target_attributes.items()
                              if candidate.attributes.get(family) == value], aggregate)


def aggregate_factors(factors: Sequence[float], aggregate: str) -> float:
    """The attribute boost from one factor per matched target attribute (1.0 when none matched)."""
    if not factors:
        return 1.0
    if aggregate == "sum":
        return sum(factors)
    if aggregate == "product":
        return math.prod(factors)
    return sum(factors) / len(factors)


def composite_rerank(candidates: Sequence[Candidate], target_attributes: Mapping[str, str],
                     weights: CompositeWeights, aggregate: str = "sum",
                     cg_boost: CgBoostConfig = CgBoostConfig(enabled=False)) -> list[Result]:
    """Score every candidate with the composite formula and rank them, each with its ScoreBreakdown."""
    attribute_boosts = [attribute_boost(c, target_attributes, weights.w5, aggregate) for c in candidates]
    unboosted = [linear_score(c.features, weights) * a for c, a in zip(candidates, attribute_boosts)]
    cg_factors = candidate_cg_boosts(candidates, unboosted, cg_boost)
    scored = []
    for candidate, base, a_boost, c_boost in zip(candidates, unboosted, attribute_boosts, cg_factors):
        f = candidate.features
        breakdown = ScoreBreakdown(image_sim=f.get("image_sim", 0.0), text_sim=f.get("text_sim", 0.0),
                                   engagement=f.get("engagement", 0.0), relevance=f.get("relevance", 0.0),
                                   attribute_boost=a_boost, cg_boost=c_boost)
        scored.append((candidate, base * c_boost, breakdown))
    return ranked_results(scored)
