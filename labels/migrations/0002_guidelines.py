"""Load the rating guidelines (labels/guidelines/<mode>.md) into the `guidelines` table as version 1."""

from __future__ import annotations

from pathlib import Path

from labels.clock import utc_now

GUIDELINES_DIR = Path(__file__).resolve().parents[1] / "guidelines"


def migrate(con) -> None:
    for mode in ("graded", "binary"):
        body = (GUIDELINES_DIR / f"{mode}.md").read_text(encoding="utf-8")
        con.execute("INSERT INTO guidelines VALUES (?, 1, ?, ?)", [mode, body, utc_now()])
