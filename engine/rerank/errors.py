"""Errors of reranking, each naming the bad value, what was expected and how to fix it."""

from __future__ import annotations


class RerankConfigError(ValueError):
    """A reranker setting outside its allowed values."""


class UnknownRerankerError(ValueError):
    """A reranker name that the registry does not know."""


class RerankInputError(ValueError):
    """Candidates that cannot be reranked (for example the same item twice)."""
