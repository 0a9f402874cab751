"""`learned` CG: the SearchSage query tower over the enriched query text, against the items' `learned_vec`."""

from __future__ import annotations

import numpy as np

from engine.generators.base import CandidateGenerator, Ranked


def run(context, understood, params: dict, k: int) -> Ranked:
    from engine.models.searchsage.item_column import LEARNED_VEC
    from engine.models.searchsage.items import encode_queries
    from engine.models.searchsage.loader import query_cache_for, searchsage_for

    text = understood.enriched_text if params["use_enriched"] else understood.query.text
    if not text.strip():
        return []
    model, _ = searchsage_for(context)
    vector = query_cache_for(context).get_or_compute(
        text, lambda: encode_queries(model.query, context.cached_text_vector("minilm", text))[0])
    return [(h.item_id, h.score) for h in context.searcher(LEARNED_VEC).search(np.asarray(vector), k)]


LEARNED = CandidateGenerator("learned", "SearchSage learned query embedding against the items' learned embeddings "
                             "(`workbench train searchsage`)", {"use_enriched": True}, run)
