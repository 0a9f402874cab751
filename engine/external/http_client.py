"""Calling an http config's endpoint: templates filled, the reply read by dotted paths, retries and a rate limit.

stdlib only (urllib). The kernels (`fill_url`, `fill_body`, `dig`, `ranking_from_reply`) are pure; `call`
sends one request with the config's retries, backoff and rate limit.
"""

from __future__ import annotations

import http.client
import json
import math
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from urllib.parse import quote

from engine.external.http_config import HttpConfig, HttpSettings, _PLACEHOLDER

MAX_REPLY_BYTES = 64 * 2**20


class QueryFailed(ValueError):
    """One query's request or reply failed (a malformed reply, 4xx, or 5xx and timeouts after the retries); the
    batch goes on."""


class EndpointUnreachable(ConnectionError):
    """Nothing answers at the endpoint (refused, unknown host): every query would fail, so the batch stops."""


def fill_url(template: str, values: Mapping[str, str]) -> str:
    """The URL with each {placeholder} URL-encoded."""
    return _PLACEHOLDER.sub(lambda m: quote(str(values[m.group(1)]), safe=""), template)


def fill_body(template: str, values: Mapping[str, str]) -> str:
    """The body with each {placeholder} JSON-escaped (inside the template's quotes); {k} is written as a number."""
    def escape(match):
        value = values[match.group(1)]
        return str(value) if match.group(1) == "k" else json.dumps(str(value), ensure_ascii=False)[1:-1]
    return _PLACEHOLDER.sub(escape, template)


def dig(data, path: str):
    """The value at a dotted path ("hits.hits", "fields.id", "0.id"); a KeyError names the first missing step."""
    if not path:
        return data
    value = data
    for step in path.split("."):
        if isinstance(value, dict) and step in value:
            value = value[step]
        elif isinstance(value, list) and step.lstrip("-").isdigit() and -len(value) <= int(step) < len(value):
            value = value[int(step)]
        else:
            kind = type(value).__name__
            keys = f" (its keys: {', '.join(list(map(str, value))[:8])})" if isinstance(value, dict) else ""
            raise KeyError(f"{step!r} of {path!r} is not in the {kind}{keys}")
    return value


def ranking_from_reply(reply, settings: HttpSettings) -> list[tuple[str, float | None]]:
    """(item id, score or None) of each result, in reply order; a QueryFailed says which path or value is wrong."""
    try:
        hits = dig(reply, settings.results)
    except KeyError as error:
        raise QueryFailed(f"the reply has no results at [http] results = {settings.results!r}: {error.args[0]}; "
                          "set results to the dotted path of the list of hits") from None
    if not isinstance(hits, list):
        raise QueryFailed(f"[http] results = {settings.results!r} points at a {type(hits).__name__}, not a list of "
                          "results; point it at the list")
    ranking = []
    for n, hit in enumerate(hits, start=1):
        try:
            item_id = dig(hit, settings.id)
        except KeyError as error:
            raise QueryFailed(f"result {n} has no id at [http] id = {settings.id!r}: {error.args[0]}") from None
        if isinstance(item_id, bool) or not isinstance(item_id, (str, int)) or str(item_id) == "":
            raise QueryFailed(f"result {n}: the id at {settings.id!r} is {item_id!r}; expected a string or a number")
        score = None
        if settings.score:
            try:
                raw = dig(hit, settings.score)
            except KeyError as error:
                raise QueryFailed(f"result {n} has no score at [http] score = {settings.score!r}: "
                                  f"{error.args[0]}") from None
            if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
                raise QueryFailed(f"result {n}: the score at {settings.score!r} is {raw!r}; expected a finite number")
            score = float(raw)
        ranking.append((str(item_id), score))
    return ranking


class RateLimit:
    """At most `rate_per_s` calls a second: each caller waits for its slot (thread-safe)."""

    def __init__(self, rate_per_s: float):
        self.interval = 1.0 / rate_per_s if rate_per_s > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            time.sleep(start - now)


_LIMITS: dict[tuple[str, str, float], RateLimit] = {}
_LIMITS_LOCK = threading.Lock()


def rate_limit(config: HttpConfig) -> RateLimit:
    """One limiter per (config name, content, rate) in this process: every caller of a config shares it."""
    key = (config.name, config.content_hash(), config.http.rate_per_s)
    with _LIMITS_LOCK:
        return _LIMITS.setdefault(key, RateLimit(config.http.rate_per_s))


def _is_timeout(error: BaseException) -> bool:
    return isinstance(error, (TimeoutError, socket.timeout)) or isinstance(getattr(error, "reason", None),
                                                                           (TimeoutError, socket.timeout))


def call(config: HttpConfig, url: str, body: str | None, headers: Mapping[str, str], *, sleep=time.sleep):
    """The endpoint's JSON reply to one request, with retries (5xx, timeouts) after exponential backoff.

    QueryFailed for what concerns this query; EndpointUnreachable when nothing answers (the batch stops).
    Messages name the endpoint (scheme://host/path), never the query string or the headers' values."""
    h = config.http
    data = body.encode("utf-8") if body is not None else None
    sent = {"Accept": "application/json", **({"Content-Type": "application/json"} if data is not None else {}),
            **headers}
    limit = rate_limit(config)
    attempts = int(h.retries) + 1
    last = ""
    for attempt in range(1, attempts + 1):
        if attempt > 1:
            sleep(h.backoff_s * 2 ** (attempt - 2))
        limit.wait()
        request = urllib.request.Request(url, data=data, headers=sent, method=h.method)
        try:
            with urllib.request.urlopen(request, timeout=h.timeout_s) as reply:
                raw = reply.read(MAX_REPLY_BYTES + 1)
        except urllib.error.HTTPError as error:
            if error.code >= 500:
                last = f"HTTP {error.code} {error.reason}"
                continue
            raise QueryFailed(f"{config.endpoint} answered HTTP {error.code} {error.reason}; check the "
                              f"[http] url, method and body of {config.source}") from None
        except http.client.HTTPException as error:
            raise QueryFailed(f"{config.endpoint} sent a malformed HTTP reply ({type(error).__name__}: {error}); "
                              "check that the URL points at an HTTP search service") from None
        except (urllib.error.URLError, OSError) as error:
            if _is_timeout(error):
                last = f"no reply within timeout_s = {h.timeout_s:g} s"
                continue
            if isinstance(error, ConnectionResetError | ConnectionAbortedError):
                last = f"the connection was reset ({error})"
                continue
            reason = getattr(error, "reason", error)
            raise EndpointUnreachable(
                f"config {config.name!r}: nothing answers at {config.endpoint} ({reason}); start the search "
                f"service or fix [http] url in {config.source}") from None
        if len(raw) > MAX_REPLY_BYTES:
            raise QueryFailed(f"{config.endpoint} replied with more than {MAX_REPLY_BYTES // 2**20} MiB; ask for "
                              "fewer results ({k}) or fewer fields")
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
            snippet = raw[:80].decode("utf-8", "replace")
            raise QueryFailed(f"{config.endpoint} replied with something that is not JSON ({error}): "
                              f"{snippet!r}; the endpoint must answer a JSON object") from None
    raise QueryFailed(f"{config.endpoint}: {last} on all {attempts} tries; raise [http] timeout_s or retries, "
                      "or check the service")
