"""Config hashes back to names, for preferences (stored by hash so that a renamed file still counts)."""

from __future__ import annotations

from workbench import search_state


def config_names_by_hash(workspace, store, names: list[str]) -> dict[str, str]:
    """content hash -> config name: the workspace's configs first, then the store's (imported runs have no file)."""
    by_hash: dict[str, str] = {}
    for name in names:
        try:
            by_hash.setdefault(search_state.config(name, workspace).content_hash(), name)
        except ValueError:
            pass
    for stored in store.configs():
        by_hash.setdefault(stored.config_hash, stored.name)
    return by_hash


def named_tally(tally, by_hash: dict[str, str]):
    """preference_tally() with a config column in front ("?" for a hash no config has any more)."""
    tally = tally.copy()
    tally.insert(0, "config", tally["config_hash"].map(by_hash).fillna("?"))
    return tally


def named_preferences(preferences, by_hash: dict[str, str]):
    """preferences_frame() with the config names beside their hashes, for the CSV export (a tie prefers none)."""
    def names(hashes):
        return hashes.map(lambda h: None if h is None or h != h else by_hash.get(h, "?"))

    return preferences.assign(left_config=names(preferences["left_config_hash"]),
                              right_config=names(preferences["right_config_hash"]),
                              preferred_config=names(preferences["preferred_config_hash"]))
