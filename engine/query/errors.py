"""Errors of query text understanding, each naming the bad value and how to fix it."""

from __future__ import annotations


class LexiconError(ValueError):
    """A surface-form table that names an unknown family or value, or maps one phrase two ways."""


class QueryTextError(ValueError):
    """Query text or a cleaning limit that is not usable (not a string, a bad max_chars)."""


class PivotError(ValueError):
    """An attribute mapping for a pivot or an enriched text that is not family -> value strings."""


class SqlLiteralError(ValueError):
    """A value or column name that cannot be put into a LanceDB `where` clause safely."""
