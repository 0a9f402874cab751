import pytest

from engine.rerank import CgBoostConfig, candidate_cg_boosts, cg_boosts, cg_shares
from tests.rerank.fixtures import candidate, source

# CG "big" retrieves 3 of the top 4, "small" 1 (shared with "big"), "rare" none of the top 4.
CANDS = [candidate("a", sources=[source("big", 1)]),
         candidate("b", sources=[source("big", 2)]),
         candidate("c", sources=[source("big", 3), source("small", 1), source("big", 9, alpha=0.2)]),
         candidate("d", sources=[source("big", 4)]),
         candidate("e", sources=[source("rare", 1)])]
SCORES = [0.9, 0.8, 0.7, 0.6, 0.1]


def test_shares_split_a_shared_candidate_equally_among_its_distinct_cgs():
    shares = cg_shares(CANDS, SCORES, top_n=4)
    assert shares == pytest.approx({"big": (3 + 0.5) / 4, "small": 0.5 / 4, "rare": 0.0})


def test_over_represented_cg_gets_less_than_one_and_under_represented_more():
    config = CgBoostConfig(top_n=4, strength=0.5, lo=0.25, hi=3.0)
    boosts = cg_boosts(CANDS, SCORES, config)
    fair = 1 / 3
    assert boosts["big"] == pytest.approx((fair / (3.5 / 4)) ** 0.5)
    assert boosts["small"] == pytest.approx((fair / (0.5 / 4)) ** 0.5)
    assert boosts["big"] < 1 < boosts["small"]
    assert boosts["rare"] == 3.0  # absent from the top_n: hi


def test_boosts_are_clipped():
    boosts = cg_boosts(CANDS, SCORES, CgBoostConfig(top_n=4, strength=1.0, lo=0.5, hi=2.0))
    assert boosts["small"] == 2.0  # (1/3) / (1/8) = 2.67 clipped to hi
    assert boosts["big"] == pytest.approx(max(0.5, (1 / 3) / (3.5 / 4)))


def test_candidate_boost_is_the_mean_of_its_cgs_boosts():
    config = CgBoostConfig(top_n=4, strength=0.5, lo=0.25, hi=3.0)
    boosts = cg_boosts(CANDS, SCORES, config)
    per_candidate = candidate_cg_boosts(CANDS, SCORES, config)
    assert per_candidate[0] == pytest.approx(boosts["big"])
    assert per_candidate[2] == pytest.approx((boosts["big"] + boosts["small"]) / 2)
    assert per_candidate[4] == 3.0


def test_disabled_or_strength_zero_gives_one():
    assert candidate_cg_boosts(CANDS, SCORES, CgBoostConfig(enabled=False)) == [1.0] * 5
    assert candidate_cg_boosts(CANDS, SCORES, CgBoostConfig(strength=0.0, top_n=4)) == [1.0] * 5


def test_a_single_cg_or_no_sources_gives_one():
    cands = [candidate("a", sources=[source("x", 1)]), candidate("b")]
    assert candidate_cg_boosts(cands, [1.0, 0.5], CgBoostConfig()) == [1.0, 1.0]
