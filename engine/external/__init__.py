"""External search systems as configs: an HTTP endpoint searched per query (`kind = "http"`)."""

from engine.external.http_client import EndpointUnreachable, QueryFailed, dig, fill_body, fill_url, ranking_from_reply
from engine.external.http_config import PLACEHOLDERS, HttpConfig, HttpConfigError, HttpSettings, check_http_config
from engine.external.http_search import NO_BREAKDOWN, has_breakdown, http_search

__all__ = ["EndpointUnreachable", "HttpConfig", "HttpConfigError", "HttpSettings", "NO_BREAKDOWN", "PLACEHOLDERS",
           "QueryFailed", "check_http_config", "dig", "fill_body", "fill_url", "has_breakdown", "http_search",
           "ranking_from_reply"]
