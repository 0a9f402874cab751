"""`text` CG: MiniLM embedding of the enriched query against `text_vec` (the SearchSage role; the baseline)."""

from __future__ import annotations

from engine.generators.base import CandidateGenerator, Ranked
from engine.index.columns import TEXT_VEC


def run(context, understood, params: dict, k: int) -> Ranked:
    text = understood.enriched_text if params["use_enriched"] else understood.query.text
    if not text.strip():
        return []
    vector = context.cached_text_vector("minilm", text)
    return [(h.item_id, h.score) for h in context.searcher(TEXT_VEC).search(vector, k)]


TEXT = CandidateGenerator("text", "MiniLM query embedding against the items' enriched-text embeddings",
                          {"use_enriched": True}, run)
