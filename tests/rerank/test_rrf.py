import pytest

from engine.rerank import rrf_rerank, rrf_score
from engine.rerank.errors import RerankConfigError
from tests.rerank.fixtures import candidate, source


def test_rrf_against_a_hand_computed_example():
    cands = [candidate("a", sources=[source("x", 1), source("y", 3)], image_sim=0.9),
             candidate("b", sources=[source("x", 2), source("y", 1), source("x", 5, alpha=0.2)]),
             candidate("c", sources=[source("y", 2)])]
    results = rrf_rerank(cands, k=60)
    expected = {"a": 1 / 61 + 1 / 63, "b": 1 / 62 + 1 / 61 + 1 / 65, "c": 1 / 62}
    assert [r.item_id for r in results] == ["b", "a", "c"]
    for r in results:
        assert r.score == pytest.approx(expected[r.item_id])
        b = r.breakdown  # the features are shown, though they play no part in the score
        shown = (0.9, 0.0, 0.0, 0.0) if r.item_id == "a" else (0.0, 0.0, 0.0, 0.0)
        assert (b.image_sim, b.text_sim, b.engagement, b.relevance) == shown
        assert (r.breakdown.attribute_boost, r.breakdown.cg_boost) == (1.0, 1.0)


def test_k_changes_the_score_and_ties_break_by_item_id():
    assert rrf_score([1, 2], k=0) == pytest.approx(1 + 1 / 2)
    results = rrf_rerank([candidate("z", sources=[source("x", 1)]), candidate("y", sources=[source("w", 1)])])
    assert [r.item_id for r in results] == ["y", "z"]


def test_negative_k_is_an_error():
    with pytest.raises(RerankConfigError, match="-1"):
        rrf_rerank([], k=-1)
