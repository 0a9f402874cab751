"""Robust parsing of a language model's reply into key-value pairs or one JSON object.

Models wrap JSON in code fences, add prose before and after, use single quotes, or answer
with "key: value" lines or bullet lists; each parser tries those forms in turn and raises
`MalformedReply` (a ValueError) when none yields anything.
"""

from __future__ import annotations

import ast
import json
import re

_FENCE = re.compile(r"```[a-zA-Z0-9_-]*\s*(.*?)```", re.S)
_LINE = re.compile(r"^\s*(?:[-*•]|\d+[.)])?\s*[\"']?([^:=\"'\n]{1,60}?)[\"']?\s*[:=]\s*[\"']?(.+?)[\"']?\s*,?\s*$")


class MalformedReply(ValueError):
    """A model reply that holds no parsable key-value pairs."""


def _candidates(reply: str) -> list[str]:
    """Text spans that may hold JSON: fenced blocks, then the outermost {...} / [...] spans, then the whole."""
    spans = [m.group(1) for m in _FENCE.finditer(reply)]
    for opener, closer in (("{", "}"), ("[", "]")):
        start, end = reply.find(opener), reply.rfind(closer)
        if 0 <= start < end:
            spans.append(reply[start:end + 1])
    spans.append(reply)
    return spans


def _load(span: str):
    """JSON, else a Python literal (single quotes, trailing commas); None when neither parses."""
    span = span.strip()
    try:
        return json.loads(span)
    except ValueError:
        pass
    try:
        return ast.literal_eval(span)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None


def _scalar(value) -> str | None:
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list, tuple)):
        return None
    text = str(value).strip()
    return text or None


def _pairs_of(data) -> list[tuple[str, str]]:
    """Pairs from {"k": "v"}, {"k": ["v1", "v2"]}, [{"key": k, "value": v}], [{"k": "v"}], [["k", "v"]]."""
    pairs: list[tuple[str, str]] = []
    if isinstance(data, dict):
        if set(data) >= {"key", "value"}:
            return _pairs_of([data])
        for key in ("attributes", "pairs", "result"):
            if isinstance(data.get(key), (list, dict)) and len(data) == 1:
                return _pairs_of(data[key])
        for key, value in data.items():
            values = value if isinstance(value, (list, tuple)) else [value]
            pairs += [(str(key).strip(), v) for v in map(_scalar, values) if v and str(key).strip()]
    elif isinstance(data, (list, tuple)):
        for entry in data:
            if isinstance(entry, dict) and "key" in entry and "value" in entry:
                key, value = _scalar(entry["key"]), _scalar(entry["value"])
                if key and value:
                    pairs.append((key, value))
            elif isinstance(entry, dict):
                pairs += _pairs_of(entry)
            elif isinstance(entry, (list, tuple)) and len(entry) == 2:
                key, value = _scalar(entry[0]), _scalar(entry[1])
                if key and value:
                    pairs.append((key, value))
    return pairs


def _line_pairs(reply: str) -> list[tuple[str, str]]:
    pairs = []
    for line in reply.splitlines():
        match = _LINE.match(line)
        if match and match.group(2).strip():
            pairs.append((match.group(1).strip(), match.group(2).strip()))
    return pairs


def parse_pairs(reply: str) -> list[tuple[str, str]]:
    """The key-value pairs in a reply, in order; MalformedReply when it holds none."""
    if not isinstance(reply, str) or not reply.strip():
        raise MalformedReply("the reply is empty")
    for span in _candidates(reply):
        data = _load(span)
        if data is not None:
            pairs = _pairs_of(data)
            if pairs:
                return pairs
    pairs = _line_pairs(reply)
    if pairs:
        return pairs
    raise MalformedReply(f"no key-value pairs in the reply {reply[:80]!r}")


def parse_object(reply: str) -> dict:
    """The first JSON object (or "key: value" lines as one) in a reply; MalformedReply when there is none."""
    if not isinstance(reply, str) or not reply.strip():
        raise MalformedReply("the reply is empty")
    for span in _candidates(reply):
        data = _load(span)
        if isinstance(data, dict) and data:
            return data
    pairs = _line_pairs(reply)
    if pairs:
        return dict(pairs)
    raise MalformedReply(f"no JSON object in the reply {reply[:80]!r}")
