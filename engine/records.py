"""Typed records that cross the engine's boundaries."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Item:
    """One catalog item as stored in the LanceDB `items` table."""

    item_id: str
    image_path: str  # relative to the workspace root, e.g. "catalog/ab/ab12....jpg"
    image_sha256: str
    image_width: int
    image_height: int
    kind: str = "product"  # "product" or "scene" (a photo of several products)
    title: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    price: float | None = None
    brand: str | None = None
    board_titles: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)  # every other metadata column, verbatim
