"""An untimed first search per config, so that one-query and latency timings leave out model loading."""

from __future__ import annotations

import streamlit as st

from workbench import search_state

WARM_UP_NOTE = ("Timings leave out the cold start: each config answered one untimed warm-up query in this app "
                "process before the timed searches (model loading and first-call caches).")


@st.cache_resource(show_spinner=False)
def _warmed(root: str) -> set[str]:
    return set()  # config names already warmed in this process; models are cached per process, so is this


def warm_up(workspace, store, query, config_names: list[str], k: int, record=None) -> list[str]:
    """Search `query` once, untimed and discarded, with each config not yet warmed; returns the ones warmed now."""
    warmed = _warmed(str(workspace.root))
    fresh = [name for name in dict.fromkeys(config_names) if name not in warmed]
    for name in fresh:
        search_state.response_for(workspace, store, query, name, k, record)
        warmed.add(name)
    return fresh
