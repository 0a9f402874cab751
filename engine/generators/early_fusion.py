"""`early_fusion` CG: the trained Combiner composes the reference image and the modification text, against `image_vec`.

The MagicLens role of the seed: the text is the query's own cleaned text ("in red", "same pattern"),
not the enriched text, because the model learnt to apply a modification to the reference. It needs a
reference image; with no text it searches with the reference vector alone.
"""

from __future__ import annotations

from engine.generators.base import CandidateGenerator, VectorQuery, vector_search
from engine.index.columns import IMAGE_VEC


def query(context, understood, params: dict) -> VectorQuery | None:
    from engine.models.fusion.loader import fusion_for
    from engine.models.fusion.model import compose
    from engine.query.clean import clean_query_text

    image = context.reference_vector(understood)
    if image is None:
        return None
    text = clean_query_text(understood.query.text).text
    return IMAGE_VEC, image if not text else compose(fusion_for(context), image, context.cached_text_vector("clip", text))


EARLY_FUSION = CandidateGenerator("early_fusion", "trained composed-query encoder (Combiner) over the reference "
                                  "image and the query text, against item images", {}, vector_search(query), query)
