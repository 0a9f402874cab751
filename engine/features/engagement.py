"""Engagement scorers: the reranker's engagement term, pluggable by name (`engagement = "..."` in a config).

coec     the item's position-debiased engagement rate r (COEC, engine/index/engagement.py) as r / (1 + r):
         0.5 is an average item, never-shown items included. Query-independent. Without a search log (a
         user's catalog usually has none) every item is never-shown: the term is neutral, 0.5 for all.
learned  the engagement model (engine/models/engagement/): P(engaged | query, item, examined), trained with
         `workbench train engagement` into WORKSPACE/models/engagement.json and loaded once per context.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from engine.records import UnderstoodQuery

# score(context, understood, item_ids) -> one engagement in 0..1 per item
Score = Callable[[object, UnderstoodQuery, Sequence[str]], np.ndarray]
MODEL_CACHE_KEY = "engagement_model"


@dataclass(frozen=True)
class EngagementScorer:
    name: str
    description: str
    score: Score


def engagement_feature(rate: float | None) -> float:
    """r / (1 + r) of a COEC rate; a missing rate is the prior, 1.0 -> 0.5."""
    r = 1.0 if rate is None else max(float(rate), 0.0)
    return r / (1.0 + r)


def coec_engagement(context, understood: UnderstoodQuery, item_ids: Sequence[str]) -> np.ndarray:
    """engagement_feature of each item's COEC rate from the items table."""
    return np.array([engagement_feature(context.item(i).get("engagement")) for i in item_ids], np.float64)


def learned_engagement(context, understood: UnderstoodQuery, item_ids: Sequence[str]) -> np.ndarray:
    """The engagement model's P(engaged | query, item, examined); the model and item priors load once."""
    from engine.models.engagement.data import features_for

    if not item_ids:
        return np.zeros(0, np.float64)
    model, priors = _loaded(context)
    text = understood.enriched_text.strip()
    text_vec = context.cached_text_vector("minilm", text) if text else None
    clip_vec = context.cached_text_vector("clip", text) if text else None
    return model.predict(features_for(context, understood, list(item_ids), text_vec, clip_vec, priors))


def _loaded(context):
    if MODEL_CACHE_KEY not in context.cache:
        from engine.index.store import read_columns
        from engine.models.engagement.checkpoint import catalog_hash, load_engagement_model, workspace_checkpoint

        path = workspace_checkpoint(context.workspace)
        if not path.is_file():
            raise FileNotFoundError(f"the `learned` engagement scorer needs the engagement model {path}, which is "
                                    f"missing; train it with `workbench train engagement --home "
                                    f"{context.workspace.root}` (it needs a search log) or use engagement = \"coec\" (neutral "
                                    "without a log)")
        meta = load_engagement_model(path, catalog_hash(context.items))
        impressions = {}
        if "impressions" in context.table.schema.names:
            impressions = {r["item_id"]: r["impressions"] or 0
                           for r in read_columns(context.table, ["item_id", "impressions"]).to_pylist()}
        priors = {i: (impressions.get(i, 0), row.get("engagement") if row.get("engagement") is not None else 1.0)
                  for i, row in context.items.items()}
        context.cache[MODEL_CACHE_KEY] = (meta.model_obj, priors)
    return context.cache[MODEL_CACHE_KEY]


ENGAGEMENT_SCORERS: dict[str, EngagementScorer] = {s.name: s for s in (
    EngagementScorer("coec", "the item's position-debiased engagement rate r as r / (1 + r)", coec_engagement),
    EngagementScorer("learned", "the (query, item) engagement model with position-bias correction "
                                "(`workbench train engagement`)", learned_engagement),
)}


def get_engagement_scorer(name: str) -> EngagementScorer:
    try:
        return ENGAGEMENT_SCORERS[name]
    except KeyError:
        raise ValueError(f"unknown engagement scorer {name!r}; known: {', '.join(ENGAGEMENT_SCORERS)}") from None
