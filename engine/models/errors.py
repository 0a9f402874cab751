"""Errors of model loading, each naming the file or name and how to fix it."""

from __future__ import annotations


class UnknownModelError(ValueError):
    """A model name that no registry knows."""


class CheckpointError(ValueError):
    """A checkpoint file that is missing, damaged or made for another architecture."""


class ModelMismatchError(ValueError):
    """Vectors made by one model met a query or an index made by another."""
