"""Timestamps of the store: naive datetimes in UTC (DuckDB TIMESTAMP columns)."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """Now, in UTC, without tzinfo (as stored)."""
    return datetime.now(UTC).replace(tzinfo=None)
