import json

import pytest

from engine.rerank import (RERANKERS, CgBoostConfig, CompositeWeights, RerankConfig, RerankConfigError,
                           RerankInputError, UnknownRerankerError, get_reranker, rerank)
from tests.rerank.fixtures import candidate, source, understood

CANDS = [candidate("a", sources=[source("x", 1)], attributes={"color": "blue"}, image_sim=0.9),
         candidate("b", sources=[source("x", 2)], attributes={"color": "red"}, image_sim=0.5),
         candidate("c", sources=[source("x", 3), source("y", 1)], attributes={"color": "red"}, image_sim=0.1)]


def test_registry_lists_both_and_unknown_name_lists_known():
    assert set(RERANKERS) == {"composite", "rrf"}
    assert get_reranker("rrf").name == "rrf"
    with pytest.raises(UnknownRerankerError, match="'bm25'.*composite, rrf"):
        get_reranker("bm25")


def test_rerank_composite_then_fill():
    w = CompositeWeights(w1=1.0, w2=0.0, w3=0.0, w4=0.0, w5=0.5)
    config = RerankConfig(weights=w, cg_boost=CgBoostConfig(enabled=False), fill_positions=1)
    results = rerank(CANDS, understood(color="red"), config)
    # scores: a 0.9, b 0.5*1.5 = 0.75, c 0.1*1.5 = 0.15; fill 1 position: b is already a red match
    assert [r.item_id for r in results] == ["b", "a", "c"]
    assert results[0].score == pytest.approx(0.75) and results[0].filled


def test_rerank_rrf_then_fill():
    results = rerank(CANDS, understood(color="red"), RerankConfig(reranker="rrf", fill_positions=2))
    # rrf: c = 1/63 + 1/61 > a = 1/61 > b = 1/62; fill 2: c, b
    assert [r.item_id for r in results] == ["c", "b", "a"]
    assert [r.filled for r in results] == [False, True, False]


def test_rerank_without_fill_keeps_score_order():
    results = rerank(CANDS, understood(color="red"), RerankConfig(reranker="rrf", fill_positions=0))
    assert [r.item_id for r in results] == ["c", "a", "b"]


def test_unknown_reranker_and_duplicate_items_are_errors():
    with pytest.raises(UnknownRerankerError, match="'nope'"):
        rerank(CANDS, understood(), RerankConfig(reranker="nope"))
    with pytest.raises(RerankInputError, match="'a'"):
        rerank([CANDS[0], CANDS[0]], understood(), RerankConfig())


@pytest.mark.parametrize("make, bad", [
    (lambda: CompositeWeights(w3=-0.1), "weights.w3 = -0.1"),
    (lambda: CompositeWeights(w1=float("nan")), "weights.w1 = nan"),
    (lambda: RerankConfig(aggregate="max"), "aggregate = 'max'"),
    (lambda: RerankConfig(fill_positions=-1), "fill_positions = -1"),
    (lambda: RerankConfig(rrf_k=-5), "rrf_k = -5"),
    (lambda: CgBoostConfig(top_n=0), "top_n = 0"),
    (lambda: CgBoostConfig(lo=2.0, hi=1.0), "lo = 2.0"),
    (lambda: CgBoostConfig(lo=0.0), "lo = 0.0"),
    (lambda: RerankConfig.from_dict({"wieghts": {}}), "wieghts"),
])
def test_bad_config_values_are_named(make, bad):
    with pytest.raises(RerankConfigError, match=bad.replace("(", r"\(")):
        make()


def test_to_dict_is_json_ready_and_reads_back():
    config = RerankConfig(reranker="rrf", weights=CompositeWeights(w5=0.9), aggregate="mean",
                          cg_boost=CgBoostConfig(top_n=10), fill_positions=4, rrf_k=10.0)
    data = json.loads(json.dumps(config.to_dict()))
    assert data["weights"]["w5"] == 0.9 and data["cg_boost"]["top_n"] == 10
    assert RerankConfig.from_dict(data) == config
