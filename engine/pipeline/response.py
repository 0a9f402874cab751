"""A SearchResponse as the JSON object `workbench search --json` prints (ARCHITECTURE.md contract)."""

from __future__ import annotations

import math
from dataclasses import asdict


def breakdown_dict(breakdown) -> dict:
    """The score's parts; None for each part an external config cannot know (stored as NaN)."""
    return {name: None if isinstance(v, float) and math.isnan(v) else v for name, v in asdict(breakdown).items()}


def response_dict(response) -> dict:
    u = response.understood
    q = u.query
    return {
        "query": {
            "text": q.text, "mode": u.mode, "item": q.item_id, "image": q.image_path,
            "crop": list(q.crop) if q.crop is not None else None,
            "understood": {
                "target_attributes": dict(u.target_attributes), "enriched_text": u.enriched_text,
                "reference_attributes": dict(u.reference_attributes),
                "reference_confidence": {f: round(c, 4) for f, c in u.reference_confidence.items()},
                "surrogate_item": u.surrogate_item,
            },
        },
        "config": {"name": response.config.name, "hash": response.config.content_hash()},
        "results": [
            {"rank": r.rank, "item_id": r.item_id, "score": r.score, "breakdown": breakdown_dict(r.breakdown),
             "sources": [{"cg": s.cg, "params": dict(s.params), "rank": s.rank, "score": s.score} for s in r.sources],
             "attributes": dict(r.attributes), "filled": r.filled,
             "rank_before": r.rank_before,
             "attribute_confidence": {f: round(c, 4) for f, c in r.attribute_confidence.items()},
             "uncertain_attributes": dict(r.uncertain_attributes)}
            for r in response.results
        ],
        "candidates": response.candidates,
        "target_in_catalog": getattr(response, "target_in_catalog", None),
        "timings_ms": dict(response.timings_ms),
    }
