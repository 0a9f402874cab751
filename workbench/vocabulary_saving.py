"""Saving the workspace vocabulary from a command or the Admin page, and the stage that can follow at once:
the index's column of the catalog's own attribute values (no model needed)."""

from __future__ import annotations

from pathlib import Path

from engine.vocabulary import Vocabulary, save_workspace_vocabulary


def save_vocabulary(workspace, vocab: Vocabulary) -> tuple[Path, int | None]:
    """Write the vocabulary; re-read the indexed catalog's attribute values under it. (path, rows changed or None
    when the workspace has no index yet)."""
    from engine.index.build import refresh_attribute_column
    from engine.index.store import items_table_exists

    path = save_workspace_vocabulary(workspace.root, vocab)
    if not items_table_exists(workspace):
        return path, None
    return path, refresh_attribute_column(workspace, vocab)
