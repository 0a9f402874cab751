"""Reference images with their object boxes (scenes) or a crop rectangle drawn on them."""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image, ImageDraw

BOX_COLORS = ("#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4")
SELECTED_WIDTH, OTHER_WIDTH = 4, 2


def scene_boxes(extra: dict) -> list[dict]:
    """The object boxes a scene item carries in its metadata (`objects`: item_id, x0, y0, x1, y1); [] if none."""
    boxes = []
    for box in extra.get("objects") or []:
        if isinstance(box, dict) and all(isinstance(box.get(c), (int, float)) for c in ("x0", "y0", "x1", "y1")):
            boxes.append(box)
    return boxes


def box_tuple(box: dict) -> tuple[float, float, float, float]:
    return float(box["x0"]), float(box["y0"]), float(box["x1"]), float(box["y1"])


def draw_boxes(image: Image.Image, boxes: Sequence[tuple[float, float, float, float]],
               selected: int | None = None) -> Image.Image:
    """A copy of image with numbered boxes; the selected one drawn thicker (the others thin)."""
    out = image.convert("RGB").copy()
    draw = ImageDraw.Draw(out)
    for n, box in enumerate(boxes):
        color = BOX_COLORS[n % len(BOX_COLORS)]
        draw.rectangle(box, outline=color, width=SELECTED_WIDTH if n == selected else OTHER_WIDTH)
        draw.text((box[0] + 4, box[1] + 2), str(n + 1), fill=color)
    return out
