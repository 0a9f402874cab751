import pytest

from engine.rerank import CgBoostConfig, CompositeWeights, attribute_boost, composite_rerank, linear_score
from engine.rerank.errors import RerankConfigError
from tests.rerank.fixtures import candidate, source

W = CompositeWeights(w1=1.0, w2=2.0, w3=0.5, w4=0.25, w5=0.4)
TARGET = {"color": "red", "pattern": "striped", "category": "dress"}
# matches color (confidence 0.5) and pattern (no confidence: 1.0), not category
MATCHER = candidate("m", attributes={"color": "red", "pattern": "striped", "category": "skirt"},
                    confidence={"color": 0.5}, image_sim=0.5, text_sim=0.25, engagement=0.2, relevance=0.8)


def test_linear_score_is_the_weighted_sum():
    assert linear_score(MATCHER.features, W) == pytest.approx(1.0 * 0.5 + 2.0 * 0.25 + 0.5 * 0.2 + 0.25 * 0.8)


def test_missing_features_count_zero():
    assert linear_score({"text_sim": 0.25}, W) == pytest.approx(2.0 * 0.25)
    assert linear_score({}, W) == 0.0
    [r] = composite_rerank([candidate("x", text_sim=0.25)], {}, W)
    assert r.score == pytest.approx(0.5)
    assert (r.breakdown.image_sim, r.breakdown.engagement, r.breakdown.relevance) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize("aggregate, expected", [
    ("sum", (1 + 0.4 * 0.5) + (1 + 0.4 * 1.0)),
    ("product", (1 + 0.4 * 0.5) * (1 + 0.4 * 1.0)),
    ("mean", ((1 + 0.4 * 0.5) + (1 + 0.4 * 1.0)) / 2),
])
def test_attribute_boost_aggregations(aggregate, expected):
    assert attribute_boost(MATCHER, TARGET, W.w5, aggregate) == pytest.approx(expected)


@pytest.mark.parametrize("aggregate", ["sum", "product", "mean"])
def test_no_matching_attribute_gives_one(aggregate):
    other = candidate("o", attributes={"color": "blue"}, confidence={"color": 0.9})
    assert attribute_boost(other, TARGET, W.w5, aggregate) == 1.0
    assert attribute_boost(MATCHER, {}, W.w5, aggregate) == 1.0


def test_unknown_aggregate_names_the_known_ones():
    with pytest.raises(RerankConfigError, match="'max'.*sum, product, mean"):
        attribute_boost(MATCHER, TARGET, W.w5, "max")


def test_composite_score_breakdown_and_order():
    plain = candidate("a", image_sim=0.9, text_sim=0.5)  # linear 1.9, no match
    tie = candidate("0", image_sim=0.9, text_sim=0.5)  # same score as "a": item_id breaks the tie
    results = composite_rerank([plain, MATCHER, tie], TARGET, W, "product")
    linear = 1.0 * 0.5 + 2.0 * 0.25 + 0.5 * 0.2 + 0.25 * 0.8
    boost = (1 + 0.4 * 0.5) * (1 + 0.4 * 1.0)
    assert [r.item_id for r in results] == ["m", "0", "a"]  # 1.2 * 1.68 = 2.016 > 1.9
    assert [r.rank for r in results] == [1, 2, 3]
    top = results[0]
    assert top.score == pytest.approx(linear * boost)
    assert (top.breakdown.image_sim, top.breakdown.text_sim) == (0.5, 0.25)
    assert top.breakdown.attribute_boost == pytest.approx(boost)
    assert top.breakdown.cg_boost == 1.0
    assert results[1].score == results[2].score == pytest.approx(1.9)


def test_score_equals_product_of_breakdown_parts_with_cg_boost():
    cands = [candidate("a", sources=[source("x", 1)], image_sim=0.9),
             candidate("b", sources=[source("x", 2)], image_sim=0.8),
             candidate("c", sources=[source("y", 1)], image_sim=0.1)]
    results = composite_rerank(cands, {}, W, "sum", CgBoostConfig(top_n=2, strength=1.0, lo=0.1, hi=10.0))
    for r in results:
        b = r.breakdown
        linear = W.w1 * b.image_sim + W.w2 * b.text_sim + W.w3 * b.engagement + W.w4 * b.relevance
        assert r.score == pytest.approx(linear * b.attribute_boost * b.cg_boost)
    by_id = {r.item_id: r for r in results}
    # top 2 by unboosted score are a, b (both CG x): share_x = 1, share_y = 0 -> y gets hi
    assert by_id["a"].breakdown.cg_boost == pytest.approx(0.5)
    assert by_id["c"].breakdown.cg_boost == pytest.approx(10.0)
    assert [r.item_id for r in results] == ["c", "a", "b"]  # 0.1*10 = 1.0 > 0.45 > 0.4
    assert by_id["a"].sources == (source("x", 1),)
