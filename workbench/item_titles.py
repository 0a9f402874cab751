"""Item titles from the index's catalog columns, read once per process, for result lists that name items."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from engine.workspace import Workspace


@st.cache_resource(show_spinner=False)
def _titles(root: str) -> dict[str, str]:
    from engine.index.store import open_items_table, read_columns

    table = open_items_table(Workspace(Path(root)), create=False)
    return {r["item_id"]: r["title"] or "" for r in read_columns(table, ["item_id", "title"]).to_pylist()}


def item_titles(workspace: Workspace) -> dict[str, str]:
    """item_id -> title ("" when the catalog has none); {} when the workspace has no index."""
    try:
        return _titles(str(workspace.root))
    except (FileNotFoundError, ValueError):
        return {}
