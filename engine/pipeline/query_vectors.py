"""The query-side text embeddings one search reads, listed up front and encoded once each, side by side.

The CG calls, the features and the learned scorers of `full` read four text embeddings per query (the
enriched text in both text towers, the user's own text in open_clip for early fusion and relevance, the
relevance model's formatted query in MiniLM). Each one asked for on its own is a model call in a row; listed
here right after the understand stage, every distinct (model, text) is encoded once, the two towers on two
threads (engine/pipeline/parallel.py), and the callers then find them in the context's vector cache.

Each text is encoded alone, as the callers would (a batch pads, which moves the last float bits), so results
are the same as before, bit for bit. A text this list misses is still encoded by its caller (slower, same
result); tests/pipeline/test_query_vectors.py checks that a search encodes nothing after this step.
"""

from __future__ import annotations

from engine.query.clean import clean_query_text
from engine.records import UnderstoodQuery

TextKey = tuple[str, str]  # (model: "clip" | "minilm", text)


def generator_texts(cg: str, params: dict, understood: UnderstoodQuery, has_reference: bool) -> list[TextKey]:
    """The text embeddings one CG call reads (engine/generators/<cg>.py)."""
    enriched = understood.enriched_text.strip()
    if cg in ("text", "learned"):
        text = understood.enriched_text if params.get("use_enriched", True) else understood.query.text
        return [("minilm", text)] if text.strip() else []
    if cg == "late_fusion":
        return [("clip", enriched)] if enriched else []
    if cg == "early_fusion":
        text = clean_query_text(understood.query.text).text
        return [("clip", text)] if text and has_reference else []
    return []  # lexical reads tokens, no embedding


def feature_texts(understood: UnderstoodQuery, relevance: str, engagement: str, has_reference: bool
                  ) -> list[TextKey]:
    """The text embeddings add_features and the configured scorers read (engine/features/)."""
    enriched = understood.enriched_text.strip()
    out: list[TextKey] = []
    if enriched:
        out.append(("minilm", enriched))  # text_sim
        if not has_reference or relevance == "text_similarity" or engagement == "learned":
            out.append(("clip", enriched))  # image_sim of a text-only query; text_similarity; engagement model
    if relevance == "learned":
        from engine.models.relevance.features import query_text

        out.append(("minilm", query_text(understood)))
        own = understood.query.text.strip() or understood.enriched_text
        if own:
            out.append(("clip", own))
    return out


def query_texts(config, understood: UnderstoodQuery, has_reference: bool) -> list[TextKey]:
    """Every distinct (model, text) a search with `config` embeds for this query, in first-use order.

    has_reference: whether the query has a reference vector (context.reference_vector is not None).
    """
    keys: list[TextKey] = []
    for cg, params in config.calls():
        keys += generator_texts(cg, params, understood, has_reference)
    keys += feature_texts(understood, config.relevance, config.engagement, has_reference)
    return list(dict.fromkeys(keys))
