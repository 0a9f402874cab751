"""Rank before reranking: the RRF order of the merged candidates, carried on each Result as rank_before."""

from __future__ import annotations

from engine.rerank.results import PRE_RERANK_RRF_K, pre_rerank_ranks, with_rank_before

from .fixtures import candidate, result, source


def test_pre_rerank_order_is_the_rrf_of_the_cg_ranks_with_ties_by_item_id():
    k = PRE_RERANK_RRF_K
    candidates = [  # merged in first-seen order a, b, c, d, e
        candidate("a", sources=[source("text", 2)]),
        candidate("b", sources=[source("text", 1)]),
        candidate("c", sources=[source("text", 3), source("late_fusion", 1)]),
        candidate("e", sources=[source("late_fusion", 2)]),
        candidate("d", sources=[source("early_fusion", 2)]),
    ]
    fused = {"a": 1 / (k + 2), "b": 1 / (k + 1), "c": 1 / (k + 3) + 1 / (k + 1), "d": 1 / (k + 2), "e": 1 / (k + 2)}
    oracle = sorted(fused, key=lambda item: (-fused[item], item))  # c, b, then the tie a, d, e by id
    assert oracle == ["c", "b", "a", "d", "e"]
    assert pre_rerank_ranks(candidates) == {item: n for n, item in enumerate(oracle, start=1)}


def test_results_carry_their_rank_before_and_none_when_unknown():
    results = [result(1, "b", 0.9), result(2, "zz", 0.5)]
    marked = with_rank_before(results, {"b": 2})
    assert [(r.rank, r.item_id, r.rank_before) for r in marked] == [(1, "b", 2), (2, "zz", None)]
    assert results[0].rank_before is None  # the input is not changed


def test_search_sets_rank_before_on_every_result(search_context):
    from engine.pipeline.config import load_config
    from engine.pipeline.search import search
    from engine.records import Query

    response = search(search_context, Query(text="in black", item_id="p000000"), load_config("full_standins"), k=10)
    before = [r.rank_before for r in response.results]
    assert all(isinstance(b, int) and 1 <= b <= response.candidates for b in before)
    assert len(set(before)) == len(before)
    assert response.to_dict()["results"][0]["rank_before"] == before[0]
