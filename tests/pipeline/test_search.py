"""The pipeline end to end on the small sample, indexed with the real sample model and MiniLM."""

import json

import pyarrow.parquet as pq
import pytest

from engine.pipeline.config import GeneratorCalls, PipelineConfig, load_config
from engine.pipeline.context import UnknownItemError
from engine.pipeline.search import search
from engine.query.understand import QueryError
from engine.records import Query
from engine.rerank import RerankConfig

CONFIG = "no_early_fusion"


@pytest.fixture(scope="module")
def truth(sample_catalog):
    return {r["item_id"]: r for r in pq.read_table(sample_catalog / "items.parquet").to_pylist()}


def product(truth, n=0):
    return sorted(i for i, r in truth.items() if r["kind"] == "product")[n]


def test_a_pivot_finds_the_target_value_and_every_result_explains_itself(search_context, truth):
    config = load_config(CONFIG)
    ref = product(truth, 3)
    response = search(search_context, Query(text="in red", item_id=ref), config, k=10)
    u = response.understood
    assert u.mode == "pivot" and u.target_attributes["color"] == "red"
    assert u.enriched_text.startswith("red ")
    results = response.results
    assert [r.rank for r in results] == list(range(1, 11)) and ref not in {r.item_id for r in results}
    # the CGs found red things: most of the top 5 are truly red (the index knows no ground truth)
    assert sum(truth[r.item_id]["color"] == "red" for r in results[:5]) >= 3
    w = config.rerank.weights
    for r in results:
        b = r.breakdown
        linear = w.w1 * b.image_sim + w.w2 * b.text_sim + w.w3 * b.engagement + w.w4 * b.relevance
        assert r.score == pytest.approx(linear * b.attribute_boost * b.cg_boost, rel=1e-6)
        assert r.sources and all(s.cg in {"text", "late_fusion", "lexical"} for s in r.sources)
        assert 0.0 < b.engagement < 1.0
    # scores fall with rank except where attribute fill lifted a result
    unfilled = [r.score for r in results if not r.filled]
    assert unfilled == sorted(unfilled, reverse=True)
    assert set(response.timings_ms) == {"understand", "generate", "features", "rerank", "total"}


def test_multi_fetch_keeps_every_calls_provenance(search_context, truth):
    config = PipelineConfig("mf", (GeneratorCalls("late_fusion", ({"alpha": 0.3}, {"alpha": 0.7})),))
    response = search(search_context, Query(text="striped", item_id=product(truth, 5)), config, k=5)
    top = response.results[0]
    assert sorted(s.params["alpha"] for s in top.sources) == [0.3, 0.7]
    assert all(s.cg == "late_fusion" and s.rank >= 1 for s in top.sources)


def test_a_descriptor_keeps_the_described_aspect(search_context, truth):
    ref = product(truth, 7)
    response = search(search_context, Query(text="the color palette", item_id=ref), load_config(CONFIG), k=5)
    u = response.understood
    assert u.mode == "descriptor" and set(u.target_attributes) == {"category", "color"}
    same_color = sum(truth[r.item_id]["color"] == truth[ref]["color"] for r in response.results)
    assert same_color >= 3


def test_a_crop_of_a_scene_searches_with_a_surrogate_product(search_context, truth):
    scene = next(r for i, r in sorted(truth.items()) if r["kind"] == "scene" and r["objects"])
    box = scene["objects"][0]
    query = Query(text="", item_id=scene["item_id"], crop=(box["x0"], box["y0"], box["x1"], box["y1"]))
    response = search(search_context, query, load_config(CONFIG), k=5)
    surrogate = response.understood.surrogate_item
    assert surrogate is not None and truth[surrogate]["kind"] == "product"
    assert response.to_dict()["query"]["understood"]["surrogate_item"] == surrogate
    assert scene["item_id"] not in {r.item_id for r in response.results}


def test_the_json_contract(search_context, truth):
    response = search(search_context, Query(text="in blue", item_id=product(truth, 2)), load_config(CONFIG), k=3)
    d = json.loads(json.dumps(response.to_dict()))
    assert set(d) >= {"query", "config", "results", "timings_ms"}
    assert set(d["query"]) >= {"text", "mode", "item", "crop", "understood"}
    assert set(d["query"]["understood"]) >= {"target_attributes", "enriched_text"}
    assert d["config"] == {"name": CONFIG, "hash": load_config(CONFIG).content_hash()}
    r = d["results"][0]
    assert set(r) >= {"rank", "item_id", "score", "breakdown", "sources", "attributes"}
    assert set(r["breakdown"]) == {"image_sim", "text_sim", "engagement", "relevance", "attribute_boost", "cg_boost"}
    assert set(r["sources"][0]) == {"cg", "params", "rank", "score"}
    assert set(d["timings_ms"]) >= {"understand", "generate", "rerank", "total"}


HOSTILE = ["x" * 10_000, "red' OR 1=1; DROP TABLE items; --", 'in "red" \\ \x00\x07\x1b[31m', "item_id = 'p1'"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_just_text(search_context, truth, text):
    for item in (None, product(truth, 1)):
        response = search(search_context, Query(text=text, item_id=item), load_config(CONFIG), k=5)
        assert len(response.results) == 5
    assert len(search_context.items) == len(truth)  # nothing was dropped


def test_bad_queries_fail_with_errors_that_say_what_to_do(search_context, truth):
    config = load_config(CONFIG)
    with pytest.raises(QueryError, match="empty query"):
        search(search_context, Query(text=""), config)
    with pytest.raises(UnknownItemError, match="unknown item id 'nope'"):
        search(search_context, Query(text="in red", item_id="nope"), config)
    with pytest.raises(UnknownItemError, match="unknown item id \"x' OR '1'='1\""):
        search(search_context, Query(text="in red", item_id="x' OR '1'='1"), config)
    ref = product(truth)
    for crop in [(0, 0, 0, 10), (10, 10, 5, 20), (-5, 0, 10, 10), (0, 0, 10_000, 10)]:
        with pytest.raises(ValueError, match="outside the .* image or has zero area"):
            search(search_context, Query(item_id=ref, crop=crop), config)
    with pytest.raises(ValueError, match="k = 0"):
        search(search_context, Query(text="red"), config, k=0)
    with pytest.raises(ValueError, match="cannot read the reference image"):
        search(search_context, Query(text="red", image_path="/no/such/file.jpg"), config)


def test_rrf_and_attribute_fill_change_the_order_not_the_candidates(search_context, truth):
    query = Query(text="in black", item_id=product(truth, 4))
    fill = search(search_context, query, load_config(CONFIG), k=50)
    no_fill = search(search_context, query, PipelineConfig("nf", load_config(CONFIG).generators,
                                                           rerank=RerankConfig(fill_positions=0)), k=50)
    assert fill.candidates == no_fill.candidates
    targets = fill.understood.target_attributes
    matching = [r for r in no_fill.results if all(r.attributes.get(f) == v for f, v in targets.items())]
    top8 = fill.results[:8]
    assert [r.item_id for r in top8[:len(matching[:8])]] == [r.item_id for r in matching[:8]]


def test_full_runs_every_cg_including_early_fusion(search_context, truth):
    response = search(search_context, Query(text="in red", item_id=product(truth, 3)), load_config("full_standins"), k=10)
    cgs = {s.cg for r in response.results for s in r.sources}
    assert cgs == {"text", "late_fusion", "early_fusion", "lexical"}
    assert sum(truth[r.item_id]["color"] == "red" for r in response.results[:5]) >= 3


def test_k_beyond_the_catalog_ranks_what_there_is_and_says_so(search_context):
    n = len(search_context.items)
    response = search(search_context, Query(text="red dress"), load_config("baseline"), k=n + 500)
    assert 0 < len(response.results) <= n
    assert [r.rank for r in response.results] == list(range(1, len(response.results) + 1))
    assert response.notices == (f"k = {n + 500} asks for more results than the catalog's {n:,} items; "
                                f"this answer has {len(response.results)}",)
    assert search(search_context, Query(text="red dress"), load_config("baseline"), k=n).notices == ()
