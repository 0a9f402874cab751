"""`late_fusion` CG: alpha * reference image embedding + (1 - alpha) * query text embedding, against `image_vec`.

Both live in the open_clip space; their normalised mix is searched against item images (the
SigLIP2 role of the seed). alpha = 1 is pure image similarity, 0 pure text-to-image.
"""

from __future__ import annotations

import numpy as np

from engine.generators.base import CandidateGenerator, VectorQuery, vector_search
from engine.index.columns import IMAGE_VEC


def query(context, understood, params: dict) -> VectorQuery | None:
    alpha = float(params["alpha"])
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"late_fusion alpha must lie in [0, 1], got {alpha}")
    image = context.reference_vector(understood)
    text = understood.enriched_text.strip()
    parts = []
    if image is not None:
        parts.append(alpha * image if text else image)
    if text:
        parts.append((1.0 - alpha if image is not None else 1.0) * context.cached_text_vector("clip", text))
    if not parts:
        return None
    mixed = np.sum(parts, axis=0)
    norm = np.linalg.norm(mixed)
    if norm == 0:
        return None
    return IMAGE_VEC, mixed / norm


LATE_FUSION = CandidateGenerator("late_fusion", "normalised mix of reference image and query text embeddings "
                                 "against item images", {"alpha": 0.5}, vector_search(query), query)
