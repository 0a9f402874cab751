"""`lexical` CG: BM25 over the items' enriched text (the token-based baseline).

The query goes in as a MatchQuery (terms, never parsed as query syntax), so quotes, operators or
SQL in the text are just words.
"""

from __future__ import annotations

from engine.generators.base import CandidateGenerator, Ranked
from engine.index.columns import ENRICHED_TEXT

MAX_QUERY_CHARS = 1000


def run(context, understood, params: dict, k: int) -> Ranked:
    from lancedb.query import MatchQuery

    text = (understood.enriched_text if params["use_enriched"] else understood.query.text)
    text = text.replace("\x00", " ")[:MAX_QUERY_CHARS].strip()
    if not text:
        return []
    rows = (context.table.search(MatchQuery(text, ENRICHED_TEXT), query_type="fts").limit(k)
            .select(["item_id", "_score"]).to_arrow().to_pylist())
    return [(r["item_id"], float(r["_score"])) for r in rows]


LEXICAL = CandidateGenerator("lexical", "BM25 over the enriched text", {"use_enriched": True}, run)
