"""What the Label page shows: catalog items by id (read once per process), reference images with the crop drawn,
grade meanings, the boxed object zoomed."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st
from PIL import Image, ImageDraw

from engine.records import Item
from engine.workspace import Workspace

CROP_COLOR = (255, 64, 0)
_GRADE_ROW = re.compile(r"^\|\s*\*\*(?P<grade>\d)\*\*\s*\|\s*(?P<name>[^|]+?)\s*\|\s*(?P<meaning>[^|]+?)\s*\|", re.M)
_FIRST_CLAUSE = re.compile(r"^(.+?)(?:[:.;]\s|[:.;]$|$)")


@st.cache_resource(show_spinner=False)
def _catalog_rows(root: str):
    """The catalog columns of every item (one read per process) and item_id -> row index.

    A lookup by id is then a `take` of a few rows: no LanceDB filter scan per task (about 15 ms at 100k items).
    """
    from engine.index import open_items_table
    from engine.index.store import CATALOG_COLUMNS, read_columns

    rows = read_columns(open_items_table(Workspace.resolve(root), create=False), list(CATALOG_COLUMNS))
    rows = rows.combine_chunks()  # one chunk: a take of a few rows costs microseconds, not ~9 ms over fragments
    return rows, {item_id: n for n, item_id in enumerate(rows.column("item_id").to_pylist())}


def items_by_id(root: str, item_ids: tuple[str, ...]) -> dict[str, Item]:
    """The catalog items with these ids (missing ids are left out), from the process's catalog rows, which are
    read again when an id is not among them (items ingested while the app runs)."""
    from engine.catalog import item_from_record

    rows, index = _catalog_rows(root)
    if any(item_id not in index for item_id in item_ids):  # ingested since the rows were read: read them again
        _catalog_rows.clear()
        rows, index = _catalog_rows(root)
    found = [index[item_id] for item_id in dict.fromkeys(item_ids) if item_id in index]
    return {record["item_id"]: item_from_record(record) for record in rows.take(found).to_pylist()} if found else {}


def crop_pixels(crop: tuple[float, float, float, float], size: tuple[int, int]) -> tuple[int, int, int, int]:
    """A stored crop as a pixel box of an image of `size`: fractions (all values <= 1) scale by the size, pixels stay."""
    width, height = size
    x0, y0, x1, y1 = (float(c) for c in crop)
    if max(x0, y0, x1, y1) <= 1.0:
        x0, x1, y0, y1 = x0 * width, x1 * width, y0 * height, y1 * height
    clamp = lambda v, hi: int(round(min(max(v, 0.0), hi)))  # noqa: E731
    return clamp(x0, width), clamp(y0, height), clamp(x1, width), clamp(y1, height)


def with_crop_drawn(path: Path, crop: tuple[float, float, float, float] | None) -> Image.Image:
    """The image at `path`, with the crop rectangle drawn over it when there is one."""
    image = Image.open(path).convert("RGB")
    if crop is not None:
        line = max(2, round(min(image.size) / 100))
        ImageDraw.Draw(image).rectangle(crop_pixels(crop, image.size), outline=CROP_COLOR, width=line)
    return image


@st.cache_data(ttl=60, show_spinner=False)
def guideline_text(judgments_path: str, mode: str) -> str:
    """The stored guideline of a rating mode, re-read at most once a minute (not on every label)."""
    from workbench import state

    return state.store().guideline(mode)


def grade_meanings(guideline_markdown: str) -> dict[int, tuple[str, str]]:
    """grade -> (name, first clause of its meaning), read from the guideline's scale table (bold marks dropped)."""
    meanings = {}
    for row in _GRADE_ROW.finditer(guideline_markdown):
        meaning = row["meaning"].replace("**", "").strip()
        clause = _FIRST_CLAUSE.match(meaning)
        name = row["name"].replace("**", "").strip()
        meanings[int(row["grade"])] = (name, clause[1].strip() if clause else meaning)
    return meanings


def resolve_image(root: Path, image_path: str) -> Path:
    """A stored image path: absolute as it is, relative to the workspace root otherwise."""
    path = Path(image_path)
    return path if path.is_absolute() else root / path


@st.cache_data(show_spinner=False, max_entries=512)
def reference_image(path: str, crop: tuple[float, float, float, float] | None) -> str | bytes:
    """The reference as st.image takes it: its path when uncropped, else JPEG bytes with the crop drawn
    (JPEG: about 2 ms to encode a 256 px image, PNG about 30 ms; cached, the same query returns for many tasks)."""
    import io

    if crop is None:
        return path
    buffer = io.BytesIO()
    with_crop_drawn(Path(path), crop).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def zoomed_crop(path: Path, crop: tuple[float, float, float, float], side: int) -> Image.Image:
    """The boxed part of the image at `path`, scaled (up or down) so that its longer side is `side` pixels."""
    if side <= 0:
        raise ValueError(f"the zoomed crop needs a positive size in pixels; got {side}")
    image = Image.open(path).convert("RGB")
    box = crop_pixels(crop, image.size)
    if box[2] <= box[0] or box[3] <= box[1]:
        raise ValueError(f"the crop {crop} is empty on a {image.size[0]}x{image.size[1]} image; "
                         "expected x0 < x1 and y0 < y1")
    part = image.crop(box)
    scale = side / max(part.size)
    return part.resize((max(1, round(part.width * scale)), max(1, round(part.height * scale))), Image.LANCZOS)


@st.cache_data(show_spinner=False, max_entries=512)
def crop_image(path: str, crop: tuple[float, float, float, float], side: int) -> bytes:
    """The boxed object enlarged for judging, as JPEG bytes for st.image (cached like the reference)."""
    import io

    buffer = io.BytesIO()
    zoomed_crop(Path(path), crop, side).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()
