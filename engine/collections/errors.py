"""Errors of topic and feed construction, each naming the bad input and how to fix it."""

from __future__ import annotations


class CollectionsError(ValueError):
    """Settings or inputs that cannot make collections (bad thresholds, no attributes, a bad search log)."""


class CollectionsMissingError(FileNotFoundError):
    """The workspace has no built collections yet."""
