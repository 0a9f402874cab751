"""The fast search path against the straightforward one it replaced: the same answer, bit for bit.

The oracle below is the pipeline as it was written first: every CG call in config order, each embedding its
own text when it needs it, every candidate reranked and filled, then the cut to k.
"""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

import engine.pipeline.parallel as parallel
from engine.features.signals import add_features
from engine.generators.multi_fetch import merge_candidates
from engine.generators.registry import get_generator
from engine.pipeline.config import GeneratorCalls, PipelineConfig, load_config
from engine.pipeline.query_vectors import query_texts
from engine.pipeline.search import search
from engine.pipeline.torch_threads import search_threads
from engine.pipeline.understand import understand
from engine.query.clean import clean_query
from engine.records import Query
from engine.rerank import rerank
from engine.rerank.results import pre_rerank_ranks, with_rank_before

CONFIGS = ("full_standins", "baseline", "no_fill", "rrf", "no_early_fusion")


def straightforward_search(context, query: Query, config, k: int):
    """The oracle: the first, sequential pipeline (engine/pipeline/search.py before issue 17), with torch's
    thread count of a search (engine/pipeline/torch_threads.py: the count moves the last float bits)."""
    with search_threads():
        return _straightforward(context, query, config, k)


def _straightforward(context, query: Query, config, k: int):
    query = clean_query(query).query
    understood = understand(context, query)
    calls = [(cg, params, get_generator(cg).run(context, understood, params, max(config.fetch_k, k)))
             for cg, params in config.calls()]
    candidates = [c for c in merge_candidates(calls) if c.item_id != query.item_id]
    add_features(context, understood, candidates, config.relevance, config.engagement)
    return with_rank_before(rerank(candidates, understood, config.rerank)[:k], pre_rerank_ranks(candidates))


@pytest.fixture(scope="module")
def queries(sample_catalog):
    rows = sorted(pq.read_table(sample_catalog / "items.parquet").to_pylist(), key=lambda r: r["item_id"])
    products = [r["item_id"] for r in rows if r["kind"] == "product"]
    scene = next(r for r in rows if r["kind"] == "scene" and r["objects"])
    box = scene["objects"][0]
    return [Query(text="in red", item_id=products[3]), Query(text="the color palette", item_id=products[7]),
            Query(text="red striped dress"), Query(text="", item_id=products[1]), Query(text="same pattern in blue",
            item_id=products[11]), Query(text="", item_id=scene["item_id"],
                                          crop=(box["x0"], box["y0"], box["x1"], box["y1"]))]


@pytest.mark.parametrize("threads", [0, 1])
@pytest.mark.parametrize("name", CONFIGS)
def test_the_fast_path_ranks_exactly_as_the_straightforward_one(search_context, queries, name, threads, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLELISM", threads)
    config = load_config(name)
    for query in queries:
        search_context.cache.pop("vectors", None)  # both paths pay for their own embeddings
        expected = straightforward_search(search_context, query, config, k=10)
        search_context.cache.pop("vectors", None)
        got = search(search_context, query, config, k=10).results
        assert list(got) == expected, (name, query)


def test_a_search_embeds_each_distinct_text_once_and_lists_them_all_up_front(search_context, queries, monkeypatch):
    for query in queries:  # models and prompt embeddings the context loads once
        search(search_context, query, load_config("full_standins"), k=10)
    clip_encode, text_encode = search_context.clip.encode_texts, search_context.text_encoder.encode
    seen = []
    monkeypatch.setattr(search_context.clip, "encode_texts", lambda texts, **kw: seen.append(("clip", *texts))
                        or clip_encode(texts, **kw))
    monkeypatch.setattr(search_context.text_encoder, "encode", lambda texts, **kw: seen.append(("minilm", *texts))
                        or text_encode(texts, **kw))
    for name in CONFIGS:
        config = load_config(name)
        for query in queries:
            search_context.cache.pop("vectors", None)
            seen.clear()
            response = search(search_context, query, config, k=10)
            reference = search_context.reference_vector(response.understood) is not None
            listed = query_texts(config, response.understood, reference)
            assert len(seen) == len(set(seen)), (name, query, seen)  # one text at a time, each once
            assert set(seen) == set(listed), (name, query)  # nothing the list missed, nothing it added


def test_multi_fetch_order_is_the_config_order_with_bm25_on_a_thread(search_context, queries, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLELISM", 1)
    config = PipelineConfig("mixed", (GeneratorCalls("lexical"), GeneratorCalls("text"),
                                      GeneratorCalls("late_fusion", ({"alpha": 0.2}, {"alpha": 0.8}))))
    response = search(search_context, queries[2], config, k=20)
    first = response.results[0]
    order = [("lexical", None), ("text", None), ("late_fusion", 0.2), ("late_fusion", 0.8)]
    assert [(s.cg, s.params.get("alpha")) for s in first.sources] == [o for o in order if any(
        s.cg == o[0] and s.params.get("alpha") == o[1] for s in first.sources)]
