"""The understand stage: validate the query, find a crop's surrogate, read the reference, parse the text."""

from __future__ import annotations

from engine.features.item_attributes import reader_for
from engine.index.columns import IMAGE_VEC
from engine.query.lexicon import Lexicon
from engine.query.parse import parse_query_text
from engine.query.understand import check_query, understood_query
from engine.records import Query, UnderstoodQuery

SURROGATE_POOL = 20  # nearest catalog images looked at when choosing a crop's surrogate


def find_surrogate(context, query: Query) -> str | None:
    """Object-level search: the catalog product whose image is nearest the embedded crop (not the scene itself).

    None when no product is among the SURROGATE_POOL nearest images (then the crop itself is the reference).
    """
    vector = context.query_image_vector(query)
    for hit in context.searcher(IMAGE_VEC).search(vector, SURROGATE_POOL):
        if hit.item_id != query.item_id and context.item(hit.item_id).get("kind", "product") == "product":
            return hit.item_id
    return None


def understand(context, query: Query, lexicon: Lexicon | None = None) -> UnderstoodQuery:
    """The understood query: mode, targets and enriched text, from the text and the reading of the reference."""
    check_query(query)
    if query.item_id is not None:
        context.item(query.item_id)  # an unknown id fails here, with the error that names it
    surrogate = find_surrogate(context, query) if query.crop is not None else None
    reading = {}
    if surrogate is not None or query.item_id is not None and query.crop is None:
        reading = reader_for(context).read_items([surrogate or query.item_id])[0]
    elif query.item_id is not None or query.image_path is not None:
        reading = reader_for(context).read_vectors(context.query_image_vector(query)[None, :])[0]
    parsed = parse_query_text(query.text, lexicon or context.lexicon) if query.text.strip() else None
    return understood_query(query, parsed, reading, surrogate, vocabulary=context.vocabulary)
