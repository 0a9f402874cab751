"""`text` CG: MiniLM embedding of the enriched query against `text_vec` (the SearchSage role; the baseline)."""

from __future__ import annotations

from engine.generators.base import CandidateGenerator, VectorQuery, vector_search
from engine.index.columns import TEXT_VEC


def query(context, understood, params: dict) -> VectorQuery | None:
    text = understood.enriched_text if params["use_enriched"] else understood.query.text
    if not text.strip():
        return None
    return TEXT_VEC, context.cached_text_vector("minilm", text)


TEXT = CandidateGenerator("text", "MiniLM query embedding against the items' enriched-text embeddings",
                          {"use_enriched": True}, vector_search(query), query)
