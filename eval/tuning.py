"""Fit the composite reranker's weights to judged pools: coordinate ascent on a grid, K-fold CV over queries.

What is searched (`GRID`): w1..w4 (image, text, engagement, relevance) each in {0, 0.25, 0.5, 0.75, 1, 1.5, 2},
w5 (attribute confidence) in {0, 0.25, 0.5, 1, 2}, the CG boost's strength in {0, 0.25, 0.5, 0.75, 1} and the
attribute fill depth in {0, 4, 8}; the config's own value of each is always a candidate too. Coordinate ascent
starts from the config's own weights and, one setting at a time in `TUNABLE` order, takes the grid value with
the highest mean nDCG@10 over the training queries (a tie keeps the current value), for at most `max_rounds`
sweeps or until a sweep changes nothing. OpenSearch's hybrid search optimizer grids only two clause weights in
0.1 steps; this searches seven settings, one at a time, so it finds a coordinate-wise optimum, not a global one.

The objective is nDCG@10 (eval.measures.ndcg, trec_eval's ndcg_cut) from the judgments' aggregated grades: by
default a candidate nobody judged gains 0, as in trec_eval, so a fit can only prefer what was judged and is
pulled back towards the order that was pooled; `unjudged="condensed"` drops unjudged candidates from each
ranking first (Sakai's condensed lists), which removes that pull but measures on judged items only. Either way
the tuned config's unjudged top-10 items must be pooled and judged before its gain is claimed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from engine.rerank.config import CgBoostConfig
from engine.rerank.weight_kernel import TUNABLE, CandidateTerms, KernelWeights, kernel_order
from eval.measures.ndcg import ndcg_at_k
from eval.significance import PairedComparison, compare_paired

DEPTH = 10  # nDCG@10, the fit's objective and the reported measure
_WEIGHT_STEPS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)
GRID: dict[str, tuple[float, ...]] = {
    "w1": _WEIGHT_STEPS, "w2": _WEIGHT_STEPS, "w3": _WEIGHT_STEPS, "w4": _WEIGHT_STEPS,
    "w5": (0.0, 0.25, 0.5, 1.0, 2.0),
    "strength": (0.0, 0.25, 0.5, 0.75, 1.0),
    "fill_positions": (0, 4, 8),
}
MAX_ROUNDS = 3  # coordinate-ascent sweeps over TUNABLE at most
MIN_JUDGED_PAIRS = 20  # fewer judged (query, item) pairs than this and a fit is noise
DEFAULT_FOLDS = 5
# "zero": an unjudged candidate in the top 10 gains 0 (trec_eval); "condensed": unjudged candidates are dropped
# from the ranking before the cut (Sakai's condensed-list nDCG'), so a fit is not pulled back to the pooled order
UNJUDGED = ("zero", "condensed")


class TuningInputError(ValueError):
    """Judged pools that cannot support a fit; the message names the count, the minimum and the fix."""


@dataclass(frozen=True)
class QueryPool:
    """One query's candidates (every one the config's CGs return) and its judged grades."""

    query_id: str
    terms: tuple[CandidateTerms, ...]
    grades: Mapping[str, float]  # item_id -> aggregated grade; absent: unjudged (gains 0)


@dataclass(frozen=True)
class Scoring:
    """The reranker settings the fit leaves as the config has them."""

    aggregate: str = "sum"
    cg_boost: CgBoostConfig = field(default_factory=CgBoostConfig)
    unjudged: str = "zero"  # one of UNJUDGED: how the objective treats candidates nobody judged

    def __post_init__(self) -> None:
        if self.unjudged not in UNJUDGED:
            raise TuningInputError(f"unjudged = {self.unjudged!r}; expected one of {', '.join(UNJUDGED)}")


def top_items(pool: QueryPool, weights: KernelWeights, scoring: Scoring, depth: int = DEPTH) -> list[str]:
    """The first `depth` items of the pool as the reranker with `weights` orders them."""
    return kernel_order(pool.terms, weights, aggregate=scoring.aggregate, cg_boost=scoring.cg_boost, limit=depth)


def ndcg_per_query(pools: Sequence[QueryPool], weights: KernelWeights, scoring: Scoring,
                   depth: int = DEPTH) -> np.ndarray:
    """nDCG@depth of each pool under `weights`; unjudged items gain 0, the ideal is from all judged grades."""
    if not pools:
        return np.zeros(0)
    retrieved = np.full((len(pools), depth), np.nan)
    width = max(1, max(len(p.grades) for p in pools))
    judged = np.full((len(pools), width), np.nan)
    for row, pool in enumerate(pools):
        if scoring.unjudged == "condensed":
            order = kernel_order(pool.terms, weights, aggregate=scoring.aggregate, cg_boost=scoring.cg_boost)
            ranked = [item for item in order if item in pool.grades][:depth]
        else:
            ranked = top_items(pool, weights, scoring, depth)
        for col, item in enumerate(ranked):
            retrieved[row, col] = pool.grades.get(item, np.nan)
        grades = sorted(pool.grades.values(), reverse=True)
        judged[row, :len(grades)] = grades
    return ndcg_at_k(retrieved, judged, depth)


def coordinate_ascent(pools: Sequence[QueryPool], start: KernelWeights, scoring: Scoring,
                      grid: Mapping[str, Sequence[float]] = GRID, max_rounds: int = MAX_ROUNDS) -> KernelWeights:
    """The weights the grid's coordinate ascent reaches from `start` on these pools (see the module docstring)."""
    current = start
    best = float(ndcg_per_query(pools, current, scoring).mean()) if pools else 0.0
    for _ in range(max_rounds):
        changed = False
        for name in TUNABLE:
            values = sorted(set(grid.get(name, ())) | {getattr(current, name)})
            for value in values:
                if value == getattr(current, name):
                    continue
                trial = replace(current, **{name: int(value) if name == "fill_positions" else float(value)})
                score = float(ndcg_per_query(pools, trial, scoring).mean())
                if score > best + 1e-12:
                    current, best, changed = trial, score, True
        if not changed:
            break
    return current


def fold_assignment(query_ids: Sequence[str], folds: int, seed: int) -> list[tuple[str, ...]]:
    """The queries split into `folds` disjoint test folds (a seeded shuffle of the sorted ids, dealt round-robin)."""
    ids = sorted(query_ids)
    order = np.random.default_rng(seed).permutation(len(ids))
    return [tuple(sorted(ids[i] for i in order[f::folds])) for f in range(folds)]


@dataclass(frozen=True)
class Fold:
    """One fold: the queries it held out and the weights fitted without them."""

    test: tuple[str, ...]
    weights: KernelWeights


@dataclass(frozen=True)
class CrossValidation:
    """Held-out nDCG@10 of each query under its fold's fitted weights and under the config's own."""

    query_ids: tuple[str, ...]
    own: np.ndarray  # nDCG@10 with the config's weights
    tuned: np.ndarray  # nDCG@10 with the weights fitted on the other folds
    folds: tuple[Fold, ...]


def cross_validate(pools: Sequence[QueryPool], own: KernelWeights, scoring: Scoring, *, folds: int, seed: int,
                   fit: Callable[[Sequence[QueryPool]], KernelWeights]) -> CrossValidation:
    """K-fold CV over queries: each fold's queries are scored with weights `fit` got from the other folds only."""
    by_id = {p.query_id: p for p in pools}
    ids, own_scores, tuned_scores, done = [], [], [], []
    for test in fold_assignment(list(by_id), folds, seed):
        held_out = set(test)
        weights = fit([p for p in pools if p.query_id not in held_out])
        test_pools = [by_id[q] for q in test]
        ids.extend(test)
        own_scores.extend(ndcg_per_query(test_pools, own, scoring))
        tuned_scores.extend(ndcg_per_query(test_pools, weights, scoring))
        done.append(Fold(test, weights))
    return CrossValidation(tuple(ids), np.array(own_scores), np.array(tuned_scores), tuple(done))


@dataclass(frozen=True)
class TuningResult:
    """What `tune` found: the weights fitted on every query, and the held-out gain over the config's own."""

    own: KernelWeights
    fitted: KernelWeights  # fitted on every judged query: what the tuned config holds
    cv: CrossValidation
    gain: PairedComparison  # mean held-out nDCG@10 delta (tuned - own), bootstrap CI over queries, p-value
    unjudged_top: int  # items in the fitted weights' top 10 (over all queries) that nobody judged
    shown_top: int  # items in those top 10s in all
    judged_pairs: int
    unjudged_mode: str = "zero"  # Scoring.unjudged of the fit


def check_counts(n_queries: int, n_pairs: int, folds: int, query_set: str = "the query set") -> None:
    """Raise TuningInputError when too few judged queries or pairs support `folds`-fold CV."""
    if not isinstance(folds, int) or isinstance(folds, bool) or folds < 2:
        raise TuningInputError(f"--folds {folds!r}; expected a whole number >= 2 (each fold is held out once)")
    if n_pairs < MIN_JUDGED_PAIRS:
        raise TuningInputError(
            f"{query_set} has {n_pairs} judged (query, item) pairs; the minimum is {MIN_JUDGED_PAIRS}: judge more of "
            "its pool (`workbench eval run`, then a task pool), or pick a judged query set")
    if n_queries < folds:
        raise TuningInputError(
            f"{query_set} has {n_queries} judged queries, fewer than --folds {folds}: every fold needs at least one "
            f"held-out query; lower --folds to at most {n_queries}, or judge more queries")


def check_pools(pools: Sequence[QueryPool], folds: int, query_set: str = "the query set") -> None:
    """check_counts on the pools' queries and judged pairs."""
    check_counts(len(pools), sum(len(p.grades) for p in pools), folds, query_set)


def tune(pools: Sequence[QueryPool], own: KernelWeights, scoring: Scoring, *, folds: int = DEFAULT_FOLDS,
         seed: int = 0, grid: Mapping[str, Sequence[float]] = GRID, resamples: int = 10_000,
         query_set: str = "the query set") -> TuningResult:
    """Cross-validate the fit, then fit on every query; the gain is the held-out delta with its bootstrap CI."""
    check_pools(pools, folds, query_set)

    def fit(train: Sequence[QueryPool]) -> KernelWeights:
        return coordinate_ascent(train, own, scoring, grid)

    cv = cross_validate(pools, own, scoring, folds=folds, seed=seed, fit=fit)
    gain = compare_paired(cv.tuned - cv.own, resamples=resamples, seed=seed)[0]
    fitted = fit(pools)
    tops = [(p, top_items(p, fitted, scoring)) for p in pools]
    unjudged = sum(1 for p, items in tops for item in items if item not in p.grades)
    return TuningResult(own, fitted, cv, gain, unjudged, sum(len(items) for _, items in tops),
                        sum(len(p.grades) for p in pools), scoring.unjudged)
