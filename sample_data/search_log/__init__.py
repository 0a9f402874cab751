"""A simulated search log over the sample catalog: queries, sessions, refinements, impressions, engagement.

Queries express attribute intents (a category plus 0-3 other families) and follow a Zipf
popularity over a ranked list of distinct queries. A noisy "production ranker" shows ten
products per query, and clicks follow a position-biased examination model times an
attractiveness that grows with how many intent attributes the item truly has. The log
feeds the engagement features, engaged queries and query-query pairs of OmniSearchSage.
Wording lives in `sample_data/query_words.toml`.
"""

from sample_data.search_log.engagement import (
    ATTRACT_BASE,
    ATTRACT_GAIN,
    ATTRACT_OFF_CATEGORY,
    EXAMINE_POWER,
    engagement,
)
from sample_data.search_log.queries import render_query
from sample_data.search_log.simulate import IMPRESSIONS_SCHEMA, SEARCHES_SCHEMA, SearchLog, simulate_search_log

__all__ = [
    "ATTRACT_BASE", "ATTRACT_GAIN", "ATTRACT_OFF_CATEGORY", "EXAMINE_POWER",
    "IMPRESSIONS_SCHEMA", "SEARCHES_SCHEMA", "SearchLog", "engagement", "render_query", "simulate_search_log",
]
