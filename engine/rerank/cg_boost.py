"""The CG boost: a factor per CG that pulls the CGs' shares of the top results toward equal shares.

Rule (one pass, deterministic):
1. Rank the candidates that have sources by their score before the CG boost (ties: item_id ascending);
   take the top_n.
2. Each of those candidates counts 1 in all, split equally among the distinct CGs of its sources;
   share_cg = (what CG cg collected) / (number of candidates taken).
3. With num_cgs the number of distinct CGs among all candidates, the fair share is 1 / num_cgs and
   boost_cg = clip((fair share / share_cg) ** strength, lo, hi); a CG absent from the top_n gets hi.
4. A candidate's cg_boost is the mean of its distinct CGs' boosts (1.0 with no sources, or when disabled).
So an over-represented CG gets a boost < 1 and an under-represented one > 1; strength 0 gives 1.0 everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.records import Candidate
from engine.rerank.config import CgBoostConfig


def candidate_cgs(candidate: Candidate) -> list[str]:
    """The distinct CGs that retrieved a candidate, in first-seen order."""
    return list(dict.fromkeys(source.cg for source in candidate.sources))


def cg_shares(candidates: Sequence[Candidate], scores: Sequence[float], top_n: int) -> dict[str, float]:
    """Each CG's share of the top_n candidates by score (a candidate's unit split equally among its CGs)."""
    return _shares([candidate_cgs(c) for c in candidates], candidates, scores, top_n)


def _shares(cgs_of: Sequence[list[str]], candidates: Sequence[Candidate], scores: Sequence[float],
            top_n: int) -> dict[str, float]:
    """cg_shares with each candidate's distinct CGs given (computed once per candidate by the caller)."""
    # Candidates without sources belong to no CG: they neither take a place in the top_n nor dilute shares.
    sourced = [i for i, c in enumerate(candidates) if c.sources]
    order = sorted(sourced, key=lambda i: (-scores[i], candidates[i].item_id))[:top_n]
    collected: dict[str, float] = {cg: 0.0 for cgs in cgs_of for cg in cgs}
    for i in order:
        cgs = cgs_of[i]
        for cg in cgs:
            collected[cg] += 1.0 / len(cgs)
    taken = len(order)
    return {cg: (amount / taken if taken else 0.0) for cg, amount in collected.items()}


def cg_boosts(candidates: Sequence[Candidate], scores: Sequence[float], config: CgBoostConfig,
              cgs_of: Sequence[list[str]] | None = None) -> dict[str, float]:
    """boost_cg = clip((1/num_cgs / share_cg) ** strength, lo, hi) for every CG among the candidates."""
    if cgs_of is None:
        cgs_of = [candidate_cgs(c) for c in candidates]
    shares = _shares(cgs_of, candidates, scores, config.top_n)
    if not config.enabled or not shares:
        return {cg: 1.0 for cg in shares}
    fair = 1.0 / len(shares)
    boosts = {}
    for cg, share in shares.items():
        raw = (fair / share) ** config.strength if share > 0 else (1.0 if config.strength == 0 else config.hi)
        boosts[cg] = min(config.hi, max(config.lo, raw))
    return boosts


def candidate_cg_boosts(candidates: Sequence[Candidate], scores: Sequence[float],
                        config: CgBoostConfig) -> list[float]:
    """Each candidate's cg_boost: the mean of its CGs' boosts (1.0 when disabled or without sources)."""
    if not config.enabled:
        return [1.0] * len(candidates)
    cgs_of = [candidate_cgs(c) for c in candidates]
    boosts = cg_boosts(candidates, scores, config, cgs_of)
    out = []
    for cgs in cgs_of:
        out.append(sum(boosts[cg] for cg in cgs) / len(cgs) if cgs else 1.0)
    return out
