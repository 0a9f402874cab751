"""Query text understanding: clean the text, find attribute values and aspects, pivot or describe."""

from engine.query.clean import DEFAULT_MAX_CHARS, CleanedText, clean_query_text
from engine.query.errors import LexiconError, PivotError, QueryTextError, SqlLiteralError
from engine.query.lexicon import Entry, Lexicon, Match, lexicon_for, lexicon_phrases, plural
from engine.query.parse import PARSE_MODES, ParsedText, parse_query_text
from engine.query.pivot import apply_pivot, enriched_query_text
from engine.query.sql import check_column, in_list, sql_literal

__all__ = [
    "DEFAULT_MAX_CHARS",
    "PARSE_MODES",
    "CleanedText",
    "Entry",
    "Lexicon",
    "LexiconError",
    "Match",
    "ParsedText",
    "PivotError",
    "QueryTextError",
    "SqlLiteralError",
    "apply_pivot",
    "check_column",
    "clean_query_text",
    "enriched_query_text",
    "in_list",
    "lexicon_for",
    "lexicon_phrases",
    "parse_query_text",
    "plural",
    "sql_literal",
]
