"""Attributes of items and reference images (PinLanding): extraction, curation, tagging."""
