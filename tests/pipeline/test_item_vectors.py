"""Candidates' stored vectors read once per query when the vector columns are indexed (no in-memory matrix)."""

from __future__ import annotations

import numpy as np

import engine.pipeline.item_vectors as item_vectors
from engine.index.columns import CLIP_TEXT_VEC, IMAGE_VEC, TEXT_VEC
from engine.index.vector_index import VectorIndexPlan
from engine.index.vectors import VectorSearcher
from engine.pipeline.context import SearchContext
from engine.pipeline.item_vectors import QueryContext, with_item_vectors

INDEXED = VectorIndexPlan("IVF_PQ", 4, 2, nprobes=2, refine_factor=2)


def indexed_context(context) -> SearchContext:
    """The same table and models, every vector column searched as if it had an ANN index (read by id)."""
    other = SearchContext(context.workspace, context.table, context.clip, context.text_encoder, context.items,
                          context.vocabulary)
    other.cache["attribute_reader"] = context.cache.get("attribute_reader")
    for column in (IMAGE_VEC, CLIP_TEXT_VEC, TEXT_VEC):
        searcher = VectorSearcher(context.table, column)
        searcher.plan, searcher.ids, searcher._row = INDEXED, [], {}
        other._searchers[column] = searcher
    return other


def test_exact_columns_need_no_read(search_context):
    ids = sorted(search_context.items)[:5]
    assert with_item_vectors(search_context, ids) is search_context


def test_indexed_columns_are_read_once_and_answer_as_the_searcher_would(search_context, monkeypatch):
    from engine.features.item_attributes import reader_for

    reader_for(search_context)
    context = indexed_context(search_context)
    ids = sorted(search_context.items)[3:40:3] + ["no-such-item"]
    reads = []
    real_read = item_vectors.read_columns
    monkeypatch.setattr(item_vectors, "read_columns", lambda *a, **kw: reads.append(a[1]) or real_read(*a, **kw))
    scoped = with_item_vectors(context, ids)
    assert isinstance(scoped, QueryContext) and reads == [["item_id", IMAGE_VEC, CLIP_TEXT_VEC, TEXT_VEC]]
    for column in (IMAGE_VEC, CLIP_TEXT_VEC, TEXT_VEC):
        wanted = ids[::-1]  # any order, a subset or all of the candidates
        got, got_found = scoped.searcher(column).vectors(wanted)
        expected, expected_found = search_context.searcher(column).vectors(wanted)  # the exact matrix
        assert np.array_equal(got_found, expected_found) and not got_found[0]  # the unknown id has none
        assert np.array_equal(got, expected)
    assert len(reads) == 1  # the scorers' reads came from the one read
    assert scoped.items is context.items and scoped.cache is context.cache  # the rest is the context itself
