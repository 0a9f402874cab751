"""The rating guidelines, as stored by migration 0002 from `labels/guidelines/<mode>.md`."""

from __future__ import annotations

import duckdb

from labels.scales import check_mode


def select_guideline(con: duckdb.DuckDBPyConnection, mode: str) -> str:
    """The newest stored guideline text (Markdown) of a rating mode."""
    check_mode(mode)
    row = con.execute("SELECT body FROM guidelines WHERE mode = ? ORDER BY version DESC LIMIT 1", [mode]).fetchone()
    if row is None:  # only a hand-edited database gets here
        raise ValueError(f"the store has no {mode} guideline; it was altered by hand: restore it from labels/guidelines/{mode}.md")
    return row[0]
