"""An item's enriched text: its own words plus the words people used to find it (OmniSearchSage style)."""

from __future__ import annotations

from collections.abc import Sequence


def enriched_text(
    title: str | None,
    description: str | None,
    tags: Sequence[str] | None,
    board_titles: Sequence[str] | None,
    engaged_queries: Sequence[str] = (),
    caption: str | None = None,
) -> str:
    """One text for BM25 and the text encoders; empty parts are left out, the order is fixed."""
    parts = [p.strip() for p in (title, caption, description) if p and p.strip()]
    if tags:
        parts.append("tags: " + ", ".join(t for t in tags if t))
    if board_titles:
        parts.append("boards: " + "; ".join(b for b in board_titles if b))
    if engaged_queries:
        parts.append("searched as: " + "; ".join(engaged_queries))
    return ". ".join(parts)
