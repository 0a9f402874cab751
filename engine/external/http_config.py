"""`HttpConfig`: an external search endpoint as a config (`kind = "http"` in WORKSPACE/configs/NAME.toml).

The file says how to build one request per query (URL and body templates with placeholders), where the
ranked ids sit in the JSON reply (dotted paths), and how politely to call (timeout, retries, rate). Header
values may name environment variables as ${VAR}: the config keeps the template only, the value is read when
a request is sent and never stored, hashed or logged.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from typing import ClassVar
from urllib.parse import urlsplit

PLACEHOLDERS = ("text", "item", "crop", "image_path", "image_b64", "k")  # what a template may name
POST_ONLY = ("image_b64",)  # a base64 image does not fit a URL
METHODS = ("GET", "POST")
SETTINGS = ("url", "method", "body", "results", "id", "score", "timeout_s", "headers", "retries", "backoff_s",
            "rate_per_s")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_ENV = re.compile(r"\$\{([^}]*)\}")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PATH = re.compile(r"^[^.\s]+(\.[^.\s]+)*$")


class HttpConfigError(ValueError):
    """An http config that cannot be used; the message names the file and the setting."""


@dataclass(frozen=True)
class HttpSettings:
    """The [http] table of an http config."""

    url: str  # template; placeholders are URL-encoded when filled
    method: str = "GET"  # GET or POST
    body: str = ""  # POST body template; placeholders JSON-escaped ({k} as a bare number)
    results: str = "hits"  # dotted path to the list of results in the JSON reply ("" = the reply itself)
    id: str = "id"  # dotted path to the item id inside one result
    score: str = ""  # dotted path to the score inside one result; "" = scores that keep the reply's order
    timeout_s: float = 10.0  # per request
    headers: tuple[tuple[str, str], ...] = ()  # (name, template); ${VAR} read from the environment per request
    retries: int = 2  # further tries after a 5xx reply or a timeout
    backoff_s: float = 0.5  # wait before retry n: backoff_s * 2**(n-1)
    rate_per_s: float = 0.0  # most requests a second this config sends (0: no limit)


@dataclass(frozen=True)
class HttpConfig:
    """An external search endpoint used like a pipeline config: same name space, same runs, no score breakdown."""

    kind: ClassVar[str] = "http"
    name: str
    http: HttpSettings
    description: str = ""
    source: str = "<config>"  # the file it came from, for messages

    @property
    def endpoint(self) -> str:
        """scheme://host:port/path of the URL template: what messages name (never the query string or headers)."""
        parts = urlsplit(self.http.url)
        return f"{parts.scheme}://{parts.netloc}{parts.path}"

    def to_dict(self) -> dict:
        h = self.http
        return {"kind": self.kind, "name": self.name, "description": self.description,
                "http": {"url": h.url, "method": h.method, "body": h.body, "results": h.results, "id": h.id,
                         "score": h.score, "timeout_s": h.timeout_s, "headers": dict(h.headers),
                         "retries": h.retries, "backoff_s": h.backoff_s, "rate_per_s": h.rate_per_s}}

    def content_hash(self) -> str:
        """sha256 of what changes results (request and reply paths, header templates), first 16 hex digits."""
        h = self.http
        content = {"kind": self.kind, "url": h.url, "method": h.method, "body": h.body, "results": h.results,
                   "id": h.id, "score": h.score, "headers": sorted(h.headers)}
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]

    def header_values(self, environ=None) -> dict[str, str]:
        """The headers with ${VAR} filled from the environment; an unset variable is an error naming it."""
        environ = os.environ if environ is None else environ
        filled = {}
        for name, template in self.http.headers:
            def value(match, header=name):
                variable = match.group(1)
                if variable not in environ:
                    raise HttpConfigError(f"{self.source}: header {header!r} names the environment variable "
                                          f"${{{variable}}}, which is not set; export {variable}=... before running")
                return environ[variable]
            filled[name] = _ENV.sub(value, template)
        return filled

    @classmethod
    def from_dict(cls, data: dict, source: str = "<config>") -> HttpConfig:
        known = {"kind", "name", "description", "http"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise HttpConfigError(f"{source}: unknown settings {unknown}; an http config has {sorted(known)}")
        table = data.get("http")
        if not isinstance(table, dict):
            raise HttpConfigError(f"{source}: an http config needs an [http] table with at least url = \"...\"")
        extra = sorted(set(table) - set(SETTINGS))
        if extra:
            raise HttpConfigError(f"{source}: unknown [http] settings {extra}; known: {', '.join(SETTINGS)}")
        if not isinstance(table.get("url"), str) or not table["url"].strip():
            raise HttpConfigError(f"{source}: [http] url is missing; give url = \"http://host:port/path?q={{text}}\"")
        headers = table.get("headers", {})
        if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
            raise HttpConfigError(f"{source}: [http] headers must be a table of strings, e.g. "
                                  "headers = { Authorization = \"Bearer ${SEARCH_TOKEN}\" }")
        try:
            settings = HttpSettings(
                url=table["url"].strip(), method=str(table.get("method", "GET")).upper(),
                body=_text(table, "body", ""), results=_text(table, "results", "hits"), id=_text(table, "id", "id"),
                score=_text(table, "score", ""), timeout_s=_number(table, "timeout_s", 10.0, source),
                headers=tuple(sorted(headers.items())), retries=int(_number(table, "retries", 2, source)),
                backoff_s=_number(table, "backoff_s", 0.5, source),
                rate_per_s=_number(table, "rate_per_s", 0.0, source))
        except TypeError as error:
            raise HttpConfigError(f"{source}: {error}") from None
        config = cls(name=str(data.get("name", "")), http=settings, description=str(data.get("description", "")),
                     source=source)
        check_http_config(config)
        return config


def _text(table: dict, key: str, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise TypeError(f"[http] {key} must be a string, got {value!r}")
    return value.strip() if key != "body" else value


def _number(table: dict, key: str, default: float, source: str) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise HttpConfigError(f"{source}: [http] {key} = {value!r}; expected a number >= 0")
    return float(value)


def placeholders(template: str) -> list[str]:
    """The {names} a URL or body template uses, in order."""
    return _PLACEHOLDER.findall(template)


def check_http_config(config: HttpConfig) -> HttpConfig:
    """Every setting of an http config usable, or an HttpConfigError naming the file, the setting and the fix."""
    h, source = config.http, config.source
    if h.method not in METHODS:
        raise HttpConfigError(f"{source}: [http] method {h.method!r} is not supported; use GET or POST")
    scheme = urlsplit(h.url).scheme
    if scheme not in ("http", "https") or not urlsplit(h.url).netloc:
        raise HttpConfigError(f"{source}: [http] url {h.url!r} must start with http:// or https:// and name a host")
    if h.body and h.method != "POST":
        raise HttpConfigError(f"{source}: [http] body is set but method is {h.method}; use method = \"POST\"")
    for where, template in (("url", h.url), ("body", h.body)):
        for name in placeholders(template):
            if name not in PLACEHOLDERS:
                raise HttpConfigError(f"{source}: [http] {where} names the unknown placeholder {{{name}}}; known: "
                                      + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS))
            if name in POST_ONLY and where == "url":
                raise HttpConfigError(f"{source}: [http] url names {{{name}}}, which only a POST body can carry")
    for key in ("results", "id", "score"):
        path = getattr(h, key)
        if path and not _PATH.match(path):
            raise HttpConfigError(f"{source}: [http] {key} = {path!r} is not a dotted path such as \"hits.hits\"")
    if not h.id:
        raise HttpConfigError(f"{source}: [http] id is empty; give the dotted path to an item id inside one result")
    if h.timeout_s <= 0:
        raise HttpConfigError(f"{source}: [http] timeout_s must be > 0, got {h.timeout_s}")
    for name, template in h.headers:
        for variable in _ENV.findall(template):
            if not _ENV_NAME.match(variable):
                raise HttpConfigError(f"{source}: header {name!r} names ${{{variable}}}, which is not an "
                                      "environment variable name; write ${NAME} with letters, digits and _")
    return config
