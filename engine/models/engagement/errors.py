"""Errors of the engagement model's data and training, each naming the input and how to fix it."""

from __future__ import annotations


class EngagementDataError(ValueError):
    """A search log the engagement model cannot be trained or measured on."""
