"""One query through the pipeline: understand -> CG calls (multi-fetch) -> merge -> features -> rerank.

`search(context, query, config, k)` returns a SearchResponse with the understood query, the ranked results
(each with its breakdown and sources) and the time of each stage. The reference item itself is never a
result (a crop's surrogate is: it is the catalog's best guess at the cropped object).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from engine.features.signals import add_features
from engine.generators.multi_fetch import Call, merge_candidates
from engine.generators.registry import get_generator
from engine.pipeline import parallel
from engine.pipeline.config import PipelineConfig
from engine.pipeline.item_vectors import with_item_vectors
from engine.pipeline.parallel import run_all, submit
from engine.pipeline.query_vectors import query_texts
from engine.pipeline.target_coverage import has_targets, postings_for
from engine.pipeline.torch_threads import search_threads
from engine.pipeline.understand import understand
from engine.query.clean import clean_query
from engine.records import Query, Result, UnderstoodQuery
from engine.rerank import rerank
from engine.rerank.results import pre_rerank_ranks, with_rank_before

MAX_K = 1000
# CGs that read no query embedding: they start on a helper thread while the query texts are encoded
SIDE_THREAD_CGS = frozenset({"lexical"})


@dataclass(frozen=True)
class SearchResponse:
    understood: UnderstoodQuery
    config: PipelineConfig
    results: tuple[Result, ...]
    timings_ms: dict[str, float]  # understand, generate, features, rerank, total
    candidates: int  # distinct items the CG calls returned, before the cut to k
    notices: tuple[str, ...] = ()  # what a user should know about this answer (e.g. ids an endpoint returned unknown)
    # does any catalog item (not the reference) carry every target attribute, by the catalog's own attributes;
    # None: no targets, or the catalog states no value of some target family (engine/pipeline/target_coverage.py)
    target_in_catalog: bool | None = None

    def to_dict(self) -> dict:
        """The `workbench search --json` contract of ARCHITECTURE.md (a compatible superset)."""
        from engine.pipeline.response import response_dict

        return response_dict(self)


def check_k(k: int) -> int:
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_K:
        raise ValueError(f"k = {k!r}; expected an integer from 1 to {MAX_K}")
    return k


def search(context, query: Query, config: PipelineConfig, k: int = 20) -> SearchResponse:
    if getattr(config, "kind", "pipeline") == "http":  # an external endpoint ranks; engine.external answers with the same response
        from engine.external.http_search import http_search

        return http_search(context, query, config, k)
    check_k(k)
    with search_threads():
        return _search(context, query, config, k)


def _search(context, query: Query, config: PipelineConfig, k: int) -> SearchResponse:
    t0 = time.perf_counter()
    cleaned = clean_query(query)  # every text reaches the models through engine.query.clean
    query = cleaned.query
    understood = understand(context, query)
    t1 = time.perf_counter()
    calls = generate(context, understood, config, max(config.fetch_k, k))
    candidates = [c for c in merge_candidates(calls) if c.item_id != query.item_id]  # not the reference itself
    t2 = time.perf_counter()
    add_features(with_item_vectors(context, [c.item_id for c in candidates]), understood, candidates,
                 config.relevance, config.engagement)
    t3 = time.perf_counter()
    results = with_rank_before(rerank(candidates, understood, config.rerank, limit=k), pre_rerank_ranks(candidates))
    t4 = time.perf_counter()
    timings = {"understand": t1 - t0, "generate": t2 - t1, "features": t3 - t2, "rerank": t4 - t3, "total": t4 - t0}
    in_catalog = has_targets(postings_for(context), understood.target_attributes, exclude=[query.item_id])
    notices = cleaned.notices
    if k > len(context.items):
        notices = (*notices, f"k = {k} asks for more results than the catalog's {len(context.items):,} items; "
                             f"this answer has {len(results)}")
    return SearchResponse(understood, config, tuple(results), {s: round(v * 1000, 3) for s, v in timings.items()},
                          len(candidates), target_in_catalog=in_catalog, notices=notices)


def generate(context, understood: UnderstoodQuery, config: PipelineConfig, width: int) -> list[Call]:
    """Every CG call of the config, in config order, each with its ranked items.

    The query texts every later step embeds are encoded first, each once (engine/pipeline/query_vectors.py),
    while the CGs that need no embedding (BM25) already run on a helper thread.
    """
    calls = config.calls()
    side = {n: submit(get_generator(cg).run, context, understood, params, width)
            for n, (cg, params) in enumerate(calls) if cg in SIDE_THREAD_CGS}
    context.text_vectors(query_texts(config, understood, context.reference_vector(understood) is not None))
    rest = [n for n in range(len(calls)) if n not in side]
    if parallel.CONCURRENT_CALLS:
        jobs = [lambda cg=calls[n][0], params=calls[n][1]: get_generator(cg).run(context, understood, params, width)
                for n in rest]
        ranked = dict(zip(rest, run_all(jobs)))
    else:
        ranked = search_by_column(context, understood, [(n, *calls[n]) for n in rest], width)
    return [(cg, params, side[n].result() if n in side else ranked[n]) for n, (cg, params) in enumerate(calls)]


def search_by_column(context, understood: UnderstoodQuery, calls: list[tuple[int, str, dict]], width: int
                     ) -> dict[int, list]:
    """Each call's ranked items by its number: every query vector first (config order), then the calls that
    search the same vector column in one pass over its matrix (VectorSearcher.search_many: the same answer as
    one search per call, bit for bit). `full` searches `image_vec` four times a query (three late-fusion
    alphas and early fusion)."""
    ranked, by_column = {}, {}
    for n, cg, params in calls:
        generator = get_generator(cg)
        if generator.query is None:
            ranked[n] = generator.run(context, understood, params, width)
            continue
        found = generator.query(context, understood, params)
        if found is None:
            ranked[n] = []
        else:
            by_column.setdefault(found[0], []).append((n, found[1]))
    for column, asks in by_column.items():
        for (n, _), hits in zip(asks, context.searcher(column).search_many([v for _, v in asks], width)):
            ranked[n] = [(h.item_id, h.score) for h in hits]
    return ranked
