"""The enrichment levels of the seed's Table 4: the item's own words, + board titles, + engaged queries.

"own" is title, caption, description and tags (the catalog's product metadata, which the seed's
products carry as well); each level adds to the previous one. Engaged queries are passed in by the
caller, from the training window only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from engine.index.enriched_text import enriched_text

ENRICHMENT_LEVELS = ("own", "boards", "queries")
ITEM_TEXT_COLUMNS = ["item_id", "title", "description", "tags", "board_titles", "extra"]


def check_level(level: str) -> str:
    if level not in ENRICHMENT_LEVELS:
        raise ValueError(f"unknown enrichment level {level!r}; known: {', '.join(ENRICHMENT_LEVELS)}")
    return level


def item_text(row: Mapping, level: str, engaged_queries: Sequence[str] = ()) -> str:
    """One item's text at an enrichment level; `row` has ITEM_TEXT_COLUMNS (extra: JSON with an optional caption)."""
    rank = ENRICHMENT_LEVELS.index(check_level(level))
    extra = row.get("extra")
    caption = (json.loads(extra) if isinstance(extra, str) and extra else {}).get("caption")
    return enriched_text(row.get("title"), row.get("description"), row.get("tags"),
                         row.get("board_titles") if rank >= 1 else (),
                         tuple(engaged_queries) if rank >= 2 else (), caption)


def item_texts(rows: Sequence[Mapping], level: str, engaged: Mapping[str, Sequence[str]]) -> list[str]:
    """item_text of each row, its engaged queries looked up by item_id."""
    return [item_text(r, level, engaged.get(r["item_id"], ())) for r in rows]
