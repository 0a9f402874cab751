"""One query through an http config: the same SearchResponse as the pipeline, with no score breakdown.

The endpoint ranks; this module fills the request from the Query, reads the ranked ids from the reply,
keeps the ids the catalog knows (the others are named in the response's notices, their ranks left empty so
that the known items keep their positions) and attaches the catalog's attributes for display.
"""

from __future__ import annotations

import base64
import math
import time
from pathlib import Path

from engine.external.http_client import call, fill_body, fill_url, ranking_from_reply
from engine.external.http_config import HttpConfig, placeholders
from engine.records import Query, Result, ScoreBreakdown, Source, UnderstoodQuery

NAN = float("nan")
NO_BREAKDOWN = ScoreBreakdown(NAN, NAN, NAN, NAN, NAN, NAN)  # an external system's score has no known parts
SOURCE = "http"  # the Source.cg of every result: the endpoint retrieved it
MAX_NOTICE_IDS = 5


def has_breakdown(result) -> bool:
    """Whether a result carries the composite score's parts (False for external configs)."""
    return not math.isnan(result.breakdown.image_sim)


def reference_path(context, query: Query) -> str:
    """The reference image's absolute path on disk ('' without one)."""
    if query.item_id:
        row = context.items.get(query.item_id) if context is not None else None
        if row is None:
            return ""
        return str((Path(context.workspace.root) / row["image_path"]).resolve())
    return str(Path(query.image_path).resolve()) if query.image_path else ""


def placeholder_values(context, query: Query, k: int, needed: set[str]) -> dict[str, str]:
    """The values of the placeholders a config's templates use (the image is read only when {image_b64} is)."""
    values = {"text": query.text or "", "item": query.item_id or "", "k": str(int(k)),
              "crop": ",".join(f"{v:g}" for v in query.crop) if query.crop is not None else ""}
    if needed & {"image_path", "image_b64"}:
        values["image_path"] = reference_path(context, query)
    if "image_b64" in needed:
        path = values["image_path"]
        values["image_b64"] = base64.b64encode(Path(path).read_bytes()).decode("ascii") if path else ""
    return values


def understood_of(context, query: Query) -> UnderstoodQuery:
    """The query's mode and parsed targets from its text alone (no model runs: the endpoint does the searching)."""
    from engine.query.understand import understood_query

    parsed = None
    if query.text.strip() and context is not None:
        from engine.query.parse import parse_query_text

        parsed = parse_query_text(query.text, context.lexicon)
    vocabulary = getattr(context, "vocabulary", None)
    return understood_query(query, parsed, {}, None, **({"vocabulary": vocabulary} if vocabulary is not None else {}))


def http_search(context, query: Query, config: HttpConfig, k: int):
    """The endpoint's top k for the query as a SearchResponse (timings: request and total)."""
    from engine.pipeline.search import SearchResponse, check_k
    from engine.query.clean import clean_query

    check_k(k)
    t0 = time.perf_counter()
    query = clean_query(query).query
    understood = understood_of(context, query)
    h = config.http
    needed = set(placeholders(h.url)) | set(placeholders(h.body))
    values = placeholder_values(context, query, k, needed)
    url = fill_url(h.url, values)
    body = fill_body(h.body, values) if h.method == "POST" else None
    headers = config.header_values()
    t1 = time.perf_counter()
    reply = call(config, url, body, headers)
    t2 = time.perf_counter()
    ranking = ranking_from_reply(reply, h)
    results, unknown, repeated = [], [], []
    seen: set[str] = set()
    items = context.items if context is not None else None
    for position, (item_id, score) in enumerate(ranking[:k], start=1):
        if item_id in seen:
            repeated.append(item_id)
            continue
        seen.add(item_id)
        if items is not None and item_id not in items:
            unknown.append(item_id)
            continue
        if item_id == query.item_id:
            continue  # the reference itself is never a result, as in the pipeline
        value = score if score is not None else float(k - position + 1)  # keeps the reply's order
        attributes = dict(items[item_id].get("attributes") or {}) if items is not None else {}
        results.append(Result(rank=position, item_id=item_id, score=value, breakdown=NO_BREAKDOWN,
                              sources=(Source(SOURCE, {}, position, value),), attributes=attributes))
    notices = []
    if unknown:
        notices.append(f"{len(unknown)} of the ids {config.endpoint} returned are not in the catalog and were left "
                       f"out (their ranks stay empty): {', '.join(map(repr, unknown[:MAX_NOTICE_IDS]))}"
                       + (", ..." if len(unknown) > MAX_NOTICE_IDS else ""))
    if repeated:
        notices.append(f"{len(repeated)} ids appeared twice in the reply; the first place of each was kept: "
                       f"{', '.join(map(repr, repeated[:MAX_NOTICE_IDS]))}")
    t3 = time.perf_counter()
    timings = {"request": t2 - t1, "total": t3 - t0}
    return SearchResponse(understood, config, tuple(results), {s: round(v * 1000, 3) for s, v in timings.items()},
                          len(ranking), notices=tuple(notices))
