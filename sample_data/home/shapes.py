"""Silhouettes of home goods, drawn with PIL: an object mask and a shade layer for its dark details.

Coordinates are written for a 256 px canvas and scaled; shapes are drawn at twice the size and
downsampled, which anti-aliases the edges. The shade layer (rims, clock hands, a rug's border, a
cushion's seam) only darkens the object, so the object's hue stays its colour.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

SUPERSAMPLE = 2


@dataclass(frozen=True)
class Silhouette:
    """An object's coverage (0..1) and the darkening of its details (0..1), both (size, size) float32."""

    mask: np.ndarray
    shade: np.ndarray


class _Pen:
    """Draws on the mask and shade layers in 256-px units around a jittered centre and scale."""

    def __init__(self, size: int, cx: float, cy: float, scale: float):
        self.k = size * SUPERSAMPLE / 256
        self.cx, self.cy, self.s = cx, cy, scale
        self.mask_img = Image.new("L", (size * SUPERSAMPLE,) * 2, 0)
        self.shade_img = Image.new("L", (size * SUPERSAMPLE,) * 2, 0)
        self.mask = ImageDraw.Draw(self.mask_img)
        self.shade = ImageDraw.Draw(self.shade_img)

    def p(self, x: float, y: float) -> tuple[float, float]:
        """A point given relative to the object's centre, in 256-px units before scaling."""
        return ((self.cx + x * self.s) * self.k, (self.cy + y * self.s) * self.k)

    def box(self, x0: float, y0: float, x1: float, y1: float) -> list[float]:
        return [*self.p(x0, y0), *self.p(x1, y1)]

    def w(self, width: float) -> int:
        return max(1, round(width * self.s * self.k))


def _mug(pen: _Pen, rng: np.random.Generator) -> None:
    half = rng.uniform(34, 42)
    top, bottom = -46.0, rng.uniform(42, 52)
    pen.mask.ellipse(pen.box(half - 12, -30, half + 34, 30), outline=255, width=pen.w(11))  # the handle
    pen.mask.rounded_rectangle(pen.box(-half, top, half, bottom), radius=pen.w(12), fill=255)
    pen.mask.ellipse(pen.box(-half, top - 9, half, top + 9), fill=255)
    pen.shade.ellipse(pen.box(-half + 5, top - 6, half - 5, top + 6), fill=150)  # the inside, seen over the rim


def _vase(pen: _Pen, rng: np.random.Generator) -> None:
    height, neck, belly, foot = rng.uniform(150, 185), rng.uniform(14, 26), rng.uniform(44, 62), rng.uniform(24, 36)
    belly_at = rng.uniform(0.45, 0.7)  # 0 = top, 1 = bottom
    ts = np.linspace(0, 1, 40)
    radius = np.where(
        ts < belly_at,
        neck + (belly - neck) * np.sin(ts / belly_at * math.pi / 2) ** 2,
        foot + (belly - foot) * np.cos((ts - belly_at) / (1 - belly_at) * math.pi / 2),
    )
    ys = -height / 2 + ts * height
    outline = [pen.p(-r, y) for r, y in zip(radius, ys)] + [pen.p(r, y) for r, y in zip(radius[::-1], ys[::-1])]
    pen.mask.polygon(outline, fill=255)
    pen.mask.ellipse(pen.box(-neck - 4, ys[0] - 5, neck + 4, ys[0] + 5), fill=255)
    pen.shade.ellipse(pen.box(-neck + 2, ys[0] - 3, neck - 2, ys[0] + 3), fill=170)


def _lamp(pen: _Pen, rng: np.random.Generator) -> None:
    top_w, bottom_w, shade_h = rng.uniform(28, 40), rng.uniform(56, 70), rng.uniform(60, 75)
    y0 = -92.0
    pen.mask.polygon([pen.p(-top_w, y0), pen.p(top_w, y0), pen.p(bottom_w, y0 + shade_h),
                      pen.p(-bottom_w, y0 + shade_h)], fill=255)
    stem = rng.uniform(5, 9)
    pen.mask.rectangle(pen.box(-stem, y0 + shade_h, stem, 78), fill=255)
    base_w = rng.uniform(34, 48)
    pen.mask.rounded_rectangle(pen.box(-base_w, 72, base_w, 92), radius=pen.w(8), fill=255)
    pen.shade.rectangle(pen.box(-bottom_w, y0 + shade_h - 4, bottom_w, y0 + shade_h), fill=110)  # the shade's hem


def _chair(pen: _Pen, rng: np.random.Generator) -> None:
    half, splay = rng.uniform(42, 52), rng.uniform(0, 10)
    pen.mask.rounded_rectangle(pen.box(-half + 4, -100, half - 4, -18), radius=pen.w(rng.uniform(6, 20)), fill=255)
    pen.mask.polygon([pen.p(-half - 6, -22), pen.p(half + 6, -22), pen.p(half + 10, 8), pen.p(-half - 10, 8)],
                     fill=255)
    pen.mask.rectangle(pen.box(-half - 10, 8, half + 10, 16), fill=255)
    pen.shade.rectangle(pen.box(-half - 10, 8, half + 10, 16), fill=130)  # the seat's front edge
    for x, dx in ((-half, -splay), (half - 10, splay), (-half + 18, -splay / 3), (half - 28, splay / 3)):
        pen.mask.polygon([pen.p(x, 14), pen.p(x + 10, 14), pen.p(x + 8 + dx, 98), pen.p(x + 2 + dx, 98)], fill=255)


def _bowl(pen: _Pen, rng: np.random.Generator) -> None:
    half, depth = rng.uniform(72, 88), rng.uniform(52, 70)
    top = -20.0
    pen.mask.pieslice(pen.box(-half, top - depth, half, top + depth), 0, 180, fill=255)
    pen.mask.ellipse(pen.box(-half, top - 16, half, top + 16), fill=255)
    pen.shade.ellipse(pen.box(-half + 6, top - 11, half - 6, top + 11), fill=140)
    pen.mask.rectangle(pen.box(-half * 0.35, top + depth - 6, half * 0.35, top + depth + 6), fill=255)


def _cushion(pen: _Pen, rng: np.random.Generator) -> None:
    half, bow = rng.uniform(68, 82), rng.uniform(7, 14)
    points = []
    for side in range(4):
        for t in np.linspace(-1, 1, 12, endpoint=False):
            inward = bow * (1 - t * t)  # edges bow inwards between the corners, as a stuffed cushion
            along, across = t * half, half - inward
            x, y = [(along, -across), (across, along), (-along, across), (-across, -along)][side]
            points.append(pen.p(x, y))
    pen.mask.polygon(points, fill=255)
    pen.shade.ellipse(pen.box(-6, -6, 6, 6), fill=120)  # the button's dimple
    pen.shade.line([pen.p(-half + bow, 0), pen.p(half - bow, 0)], fill=40, width=pen.w(2))


def _rug(pen: _Pen, rng: np.random.Generator) -> None:
    top, bottom = rng.uniform(68, 82), rng.uniform(100, 112)
    y0, y1 = -50.0, 62.0
    corners = [pen.p(-top, y0), pen.p(top, y0), pen.p(bottom, y1), pen.p(-bottom, y1)]
    pen.mask.polygon(corners, fill=255)
    inset = 0.14
    inner = [pen.p(-top * (1 - inset), y0 + 10), pen.p(top * (1 - inset), y0 + 10),
             pen.p(bottom * (1 - inset), y1 - 12), pen.p(-bottom * (1 - inset), y1 - 12)]
    pen.shade.polygon(inner, outline=110, width=pen.w(5))  # a woven border
    for i in range(15):  # the fringe along the near edge
        x = -bottom + (i + 0.5) * 2 * bottom / 15
        pen.mask.line([pen.p(x, y1), pen.p(x * 1.02, y1 + 9)], fill=255, width=pen.w(2.5))


def _clock(pen: _Pen, rng: np.random.Generator) -> None:
    r = rng.uniform(78, 92)
    pen.mask.ellipse(pen.box(-r, -r, r, r), fill=255)
    pen.shade.ellipse(pen.box(-r, -r, r, r), outline=120, width=pen.w(7))  # the rim
    for hour in range(12):
        a = hour * math.pi / 6
        pen.shade.line([pen.p(0.78 * r * math.sin(a), -0.78 * r * math.cos(a)),
                        pen.p(0.88 * r * math.sin(a), -0.88 * r * math.cos(a))], fill=200, width=pen.w(3))
    for length, width in ((0.5, 5), (0.72, 3)):
        a = rng.uniform(0, 2 * math.pi)
        pen.shade.line([pen.p(0, 0), pen.p(length * r * math.sin(a), -length * r * math.cos(a))],
                       fill=220, width=pen.w(width))
    pen.shade.ellipse(pen.box(-5, -5, 5, 5), fill=220)


SHAPES: dict[str, Callable[[_Pen, np.random.Generator], None]] = {
    "mug": _mug, "vase": _vase, "lamp": _lamp, "chair": _chair,
    "bowl": _bowl, "cushion": _cushion, "rug": _rug, "clock": _clock,
}


def draw_silhouette(category: str, size: int, rng: np.random.Generator) -> Silhouette:
    """The silhouette of one `category` item, slightly moved and scaled by `rng`."""
    try:
        shape = SHAPES[category]
    except KeyError:
        raise ValueError(f"no shape for category {category!r}; known categories are {', '.join(SHAPES)}") from None
    pen = _Pen(size, 128 + rng.uniform(-6, 6), 128 + rng.uniform(-4, 4), rng.uniform(0.9, 1.05))
    shape(pen, rng)
    small = (size, size)
    mask = np.asarray(pen.mask_img.resize(small, Image.BOX), dtype=np.float32) / 255
    shade = np.asarray(pen.shade_img.resize(small, Image.BOX), dtype=np.float32) / 255
    return Silhouette(mask, shade * mask)
