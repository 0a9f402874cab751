"""What can go wrong with the judgment store; each error names the bad input and the fix."""

from __future__ import annotations


class StoreLockedError(PermissionError):
    """Another process holds the DuckDB file open for writing."""


class ReadOnlyStoreError(PermissionError):
    """A write was attempted through a store opened read-only (or a snapshot)."""


class StoreNotFoundError(FileNotFoundError):
    """A read-only open of a database file that does not exist."""


class SchemaVersionError(ValueError):
    """The database's schema is older (read-only open) or newer than this code."""


class UnknownNameError(ValueError):
    """An id or name (rater, task, query, query set, config) that the store does not hold."""


class LabelOutOfRangeError(ValueError):
    """A label outside the scale of the task's mode."""


class EmptyQuerySetError(ValueError):
    """A task pool was asked for over a query set that has no queries."""


class NoRunsError(ValueError):
    """A config has no runs over the queries a task pool was asked for."""


class ConflictError(ValueError):
    """A record with this id already exists with different content; stored records never change silently."""


class RaterRemovedError(ValueError):
    """A removed rater asked for a task: removed raters get none (their judgments stay)."""


class QrelsOverlapError(ValueError):
    """Imported qrels name queries of another query set; they are kept apart unless merged explicitly."""


def name_list(names, limit: int = 20) -> str:
    """`a, b, c` for an error message, shortened to `limit` names and a count of the rest."""
    names = [str(n) for n in names]
    if not names:
        return "(none)"
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} (and {len(names) - limit} more)"
