"""`learned` CG: the SearchSage query tower over the enriched query text, against the items' `learned_vec`."""

from __future__ import annotations

import numpy as np

from engine.generators.base import CandidateGenerator, VectorQuery, vector_search


def query(context, understood, params: dict) -> VectorQuery | None:
    from engine.models.searchsage.item_column import LEARNED_VEC
    from engine.models.searchsage.items import encode_queries
    from engine.models.searchsage.loader import query_cache_for, searchsage_for

    text = understood.enriched_text if params["use_enriched"] else understood.query.text
    if not text.strip():
        return None
    model, _ = searchsage_for(context)
    vector = query_cache_for(context).get_or_compute(
        text, lambda: encode_queries(model.query, context.cached_text_vector("minilm", text))[0])
    return LEARNED_VEC, np.asarray(vector)


LEARNED = CandidateGenerator("learned", "SearchSage learned query embedding against the items' learned embeddings "
                             "(`workbench train searchsage`)", {"use_enriched": True}, vector_search(query), query)
