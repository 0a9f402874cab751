"""Examples from the search log: one row per impression, its label, position, and (query, item) features.

Label: engaged = long_click or saved. A click alone says the thumbnail attracted; a long click or a save
says the result satisfied, which is what the reranker's engagement term should promote (the simulator makes
both follow a click, more so when the item is relevant). Held out: the last HELD_OUT_SHARE of searches by ts.

Features (FEATURES, all known at search time):
    text_cos       cosine of the query's MiniLM vector with the item's `text_vec`
    clip_text_cos  cosine of the query's open_clip text vector with the item's `clip_text_vec`
    image_cos      cosine of the query's open_clip text vector with the item's `image_vec`
    attr_agree     engine/features/relevance.py attribute_agreement of the parsed query and the item's reading
    log_impr       log(1 + the item's impressions in the log)
    log_coec       log of the item's COEC rate (engine/index/engagement.py; 1.0 -> 0 for an unseen item)
In training, the item priors come from the training window only (the held-out window must not leak in).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.index.engagement import CLICK, LONG_CLICK, SAVE, coec
from engine.models.engagement.errors import EngagementDataError

FEATURES = ("text_cos", "clip_text_cos", "image_cos", "attr_agree", "log_impr", "log_coec")
HELD_OUT_SHARE = 0.15


def load_log(folder: Path):
    """A DataFrame with one row per impression: search_id, ts, query, position, item_id, clicked, long_click,
    saved, engaged (bool), sorted by ts then search_id then position."""
    import pandas as pd

    from engine.index.engagement import search_log_files

    searches, impressions = search_log_files(folder)
    s = pd.read_parquet(searches, columns=["search_id", "ts", "query"])
    i = pd.read_parquet(impressions, columns=["search_id", "position", "item_id", "clicked", "long_click", "saved"])
    log = i.merge(s, on="search_id", how="inner", validate="many_to_one")
    if log.empty:
        raise EngagementDataError(f"the search log {folder} has no impressions that join a search; a log needs "
                                  "searches.parquet and impressions.parquet sharing search_id")
    log["query"] = log["query"].astype(str).str.strip().str.lower()
    log["engaged"] = log["long_click"].astype(bool) | log["saved"].astype(bool)
    return log.sort_values(["ts", "search_id", "position"], kind="stable").reset_index(drop=True)


def time_split(log, held_out_share: float = HELD_OUT_SHARE):
    """(train, held_out): held out are the searches at or after the (1 - share) quantile of search times."""
    if not 0 < held_out_share < 1:
        raise ValueError(f"held_out_share = {held_out_share}; expected a share strictly between 0 and 1")
    times = log.drop_duplicates("search_id")["ts"].sort_values(kind="stable").to_numpy()
    cut = times[min(int(len(times) * (1 - held_out_share)), len(times) - 1)]
    train, held = log[log["ts"] < cut], log[log["ts"] >= cut]
    if len(train) == 0:
        raise EngagementDataError("the training window of the search log is empty (all searches share one time); "
                                  "the log needs searches spread over time")
    if not held["engaged"].any():
        raise EngagementDataError(f"the held-out window (searches from {cut}) has no engagements (long clicks or "
                                  f"saves) among {len(held)} impressions; use a longer log, or one whose recent "
                                  "searches were engaged with")
    if not train["engaged"].any():
        raise EngagementDataError("the training window of the search log has no engagements (long clicks or saves); "
                                  "the model cannot learn from it")
    return train.reset_index(drop=True), held.reset_index(drop=True)


def item_priors(log) -> dict[str, tuple[int, float]]:
    """item_id -> (impressions, COEC rate) over `log`, computed as engine/index/engagement.py computes it."""
    weighted = (log["clicked"].astype(float) * CLICK + log["long_click"].astype(float) * LONG_CLICK
                + log["saved"].astype(float) * SAVE)
    frame = log[["item_id", "position"]].assign(w=weighted.to_numpy())
    mean_at = frame.groupby("position")["w"].mean()
    frame = frame.assign(expected=frame["position"].map(mean_at).to_numpy())
    per_item = frame.groupby("item_id").agg(n=("w", "size"), observed=("w", "sum"), expected=("expected", "sum"))
    return {item: (int(r.n), coec(float(r.observed), float(r.expected)))
            for item, r in zip(per_item.index, per_item.itertuples())}


def feature_block(text_cos, clip_text_cos, image_cos, agreement, impressions, rate) -> np.ndarray:
    """The (n, len(FEATURES)) matrix from per-item arrays (a missing rate is 1.0, missing impressions 0)."""
    cols = [np.asarray(c, np.float64) for c in (text_cos, clip_text_cos, image_cos, agreement)]
    impressions = np.maximum(np.asarray(impressions, np.float64), 0.0)
    rate = np.maximum(np.asarray(rate, np.float64), 1e-6)
    return np.column_stack([*cols, np.log1p(impressions), np.log(rate)])


def features_for(context, understood, item_ids: list[str], text_vec, clip_vec,
                 priors: dict[str, tuple[int, float]]) -> np.ndarray:
    """Features of one query against items; the query vectors are given (None when the query has no text)."""
    from engine.features.relevance import attribute_agreement
    from engine.index.columns import CLIP_TEXT_VEC, IMAGE_VEC, TEXT_VEC

    def cosines(column, query):
        if query is None:
            return np.zeros(len(item_ids))
        vecs, found = context.searcher(column).vectors(list(item_ids))
        return np.where(found, vecs @ np.asarray(query, np.float32), 0.0)

    prior = [priors.get(i, (0, 1.0)) for i in item_ids]
    return feature_block(cosines(TEXT_VEC, text_vec), cosines(CLIP_TEXT_VEC, clip_vec), cosines(IMAGE_VEC, clip_vec),
                         attribute_agreement(context, understood, list(item_ids)),
                         [p[0] for p in prior], [p[1] for p in prior])


def log_features(context, log, priors: dict[str, tuple[int, float]], batch: int = 256,
                 chunk: int = 32_768) -> np.ndarray:
    """Features of every impression of `log`, rows in log order, equal to features_for row by row; each distinct
    query is understood and embedded once (both text towers, in batches), item vectors are read once."""
    from engine.features.relevance import attribute_agreement
    from engine.index.columns import CLIP_TEXT_VEC, IMAGE_VEC, TEXT_VEC
    from engine.pipeline.understand import understand
    from engine.records import Query

    queries = list(dict.fromkeys(log["query"]))
    understood = [understand(context, Query(text=q)) for q in queries]
    texts = [u.enriched_text.strip() for u in understood]
    distinct = list(dict.fromkeys(t for t in texts if t))
    minilm = np.zeros((len(distinct) + 1, context.searcher(TEXT_VEC).dim), np.float32)  # last row: no text
    clip = np.zeros((len(distinct) + 1, context.searcher(IMAGE_VEC).dim), np.float32)
    for start in range(0, len(distinct), batch):
        part = distinct[start:start + batch]
        minilm[start:start + len(part)] = np.asarray(context.text_encoder.encode(part), np.float32)
        clip[start:start + len(part)] = np.asarray(context.clip.encode_texts(part), np.float32)
    row_of = {t: n for n, t in enumerate(distinct)}
    q_row = np.array([row_of.get(t, len(distinct)) for t in texts])[
        log["query"].map({q: n for n, q in enumerate(queries)}).to_numpy()]
    items = list(dict.fromkeys(log["item_id"]))
    i_row = log["item_id"].map({i: n for n, i in enumerate(items)}).to_numpy()
    cos = np.zeros((len(log), 3))
    for c, (column, qmat) in enumerate(((TEXT_VEC, minilm), (CLIP_TEXT_VEC, clip), (IMAGE_VEC, clip))):
        vecs, _ = context.searcher(column).vectors(items)  # zeros where an item has none, as features_for
        for lo in range(0, len(log), chunk):
            hi = min(lo + chunk, len(log))
            cos[lo:hi, c] = np.einsum("nd,nd->n", qmat[q_row[lo:hi]], vecs[i_row[lo:hi]])
    agreement = np.zeros(len(log))
    by_query = dict(zip(queries, understood))
    item_ids = log["item_id"].to_numpy()
    for q, rows in log.groupby("query", sort=False).indices.items():
        agreement[rows] = attribute_agreement(context, by_query[q], item_ids[rows].tolist())
    prior = [priors.get(i, (0, 1.0)) for i in item_ids]
    return feature_block(cos[:, 0], cos[:, 1], cos[:, 2], agreement, [p[0] for p in prior], [p[1] for p in prior])
