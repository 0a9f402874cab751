"""Objects the app shares across reruns and sessions, loaded once per process."""

from __future__ import annotations

import streamlit as st

from engine.catalog import ItemPage, list_items
from engine.workspace import Workspace


def workspace() -> Workspace:
    """The workspace the server was started over (`WORKBENCH_HOME`, set by `workbench app`)."""
    return Workspace.resolve()


@st.cache_data(ttl=30, show_spinner=False)
def catalog_page(root: str, offset: int, limit: int, text: str | None, kind: str | None) -> ItemPage:
    """One page of the catalog; cached briefly so paging back and forth does not re-read the table."""
    return list_items(Workspace.resolve(root), offset=offset, limit=limit, text=text, kind=kind)


@st.cache_resource(show_spinner=False)
def _store(path: str):
    from labels import open_store
    from labels.inbox import InboxPoller

    store = open_store(path)
    InboxPoller(store).start()  # runs that `workbench eval run` queued while this process holds the file
    return store


def store():
    """The app process's one writable judgment store (DuckDB allows one writing process: this one)."""
    return _store(str(workspace().judgments_path))


def local_admin():
    """The rater `local` (admin) that acts under `--auth none`; created on first use."""
    return _local_admin(str(workspace().judgments_path))


@st.cache_resource(show_spinner=False)
def _local_admin(path: str):
    from workbench.access import LOCAL_RATER

    return _store(path).add_rater(LOCAL_RATER, "Local user", role="admin", exist_ok=True)
