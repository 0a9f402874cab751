"""Material looks as a luminance field, a specular field and an opacity, in canvas pixels.

Luminance only changes brightness (the object's hue stays its colour) and is normalised to a mean
of 1 over the object, so an object's mean colour stays near its colour's RGB. Each material has a
look that survives downscaling: wood a wavy vertical grain, rattan a coarse basket weave, marble
dark veins under a polish, metal brushed streaks and a hard cylindrical sheen, linen uneven slubs,
velvet a soft pile that darkens towards the edges, wool chunky rows of loops, ceramic a smooth
glaze with one round highlight, glass a see-through body with bright streaks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

F32 = np.float32
GLASS_OPACITY = 0.88
SHADE_DEPTH = 0.6  # how dark a fully shaded detail (a clock hand, a rim) gets


@dataclass(frozen=True)
class Look:
    """Multiplicative luminance (mean 1 on the object), additive specular share (0..1) and opacity (0..1)."""

    lum: np.ndarray
    spec: np.ndarray | None
    opacity: float


def smooth_noise(rng: np.random.Generator, size: int, cells: int, cells_x: int | None = None) -> np.ndarray:
    """Value noise in about [-1, 1]: a coarse random grid smoothly upsampled."""
    grid = Image.fromarray(rng.uniform(-1, 1, (cells + 1, (cells_x or cells) + 1)).astype(F32))
    return np.asarray(grid.resize((size, size), Image.BICUBIC), dtype=F32)


def _tri(x: np.ndarray) -> np.ndarray:
    """A triangle wave in [-1, 1] with period 1."""
    return F32(4) * np.abs(x - np.floor(x) - F32(0.5)) - F32(1)


def _blob(x: np.ndarray, y: np.ndarray, cx: float, cy: float, rx: float, ry: float) -> np.ndarray:
    return np.exp(-(((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2)).astype(F32)


def _extent(mask: np.ndarray) -> tuple[float, float, float, float]:
    """Centre and half-width/height of the object's bounding box."""
    ys, xs = np.nonzero(mask > 0.5)
    if xs.size == 0:
        return mask.shape[1] / 2, mask.shape[0] / 2, 1.0, 1.0
    return (xs.min() + xs.max()) / 2, (ys.min() + ys.max()) / 2, max(1.0, (xs.max() - xs.min()) / 2), \
        max(1.0, (ys.max() - ys.min()) / 2)


def _round_body(x, mask) -> np.ndarray:
    """Cylindrical shading: darker towards the left and right edges of the object."""
    cx, _, hw, _ = _extent(mask)
    return F32(1) - F32(0.18) * np.clip((x - cx) / hw, -1, 1) ** 2


def _ceramic(x, y, rng, mask) -> Look:
    cx, cy, hw, hh = _extent(mask)
    speckle = (rng.random(mask.shape, dtype=F32) > F32(0.985)) * F32(-0.25)  # stoneware specks
    spec = F32(0.75) * _blob(x, y, cx - 0.45 * hw, cy - 0.35 * hh, 0.09 * hw + 3, 0.12 * hh + 3)
    return Look(_round_body(x, mask) + speckle + F32(0.02) * smooth_noise(rng, mask.shape[0], 6), spec, 1.0)


def _wood(x, y, rng, mask) -> Look:
    size = mask.shape[0]
    wobble = F32(9) * smooth_noise(rng, size, 3, 8) + F32(3) * smooth_noise(rng, size, 12)
    grain = _tri((x + wobble) / F32(rng.uniform(7, 10)))
    rings = np.clip(grain, 0.3, 1) - F32(0.3)  # narrow dark late-wood lines on lighter early wood
    return Look(F32(1.08) - F32(0.35) * rings + F32(0.04) * smooth_noise(rng, size, 20), None, 1.0)


def _rattan(x, y, rng, mask) -> Look:
    cell = F32(rng.uniform(9, 11))
    cu, cv = np.floor(x / cell), np.floor(y / cell)
    horizontal = ((cu + cv) % 2) == 0
    along = np.where(horizontal, y, x) / cell
    strand = F32(1) - np.abs(_tri(along * 2))  # two rounded strands per cell, dark between them
    gaps = (np.minimum(x % cell, y % cell) < 1.3) * F32(0.35)
    return Look(F32(0.7) + F32(0.5) * strand - gaps, None, 1.0)


def _marble(x, y, rng, mask) -> Look:
    size = mask.shape[0]
    turbulence = F32(30) * smooth_noise(rng, size, 4) + F32(8) * smooth_noise(rng, size, 14)
    phase = (x * F32(0.6) + y * F32(0.8) + turbulence) / F32(rng.uniform(22, 30))
    veins = np.clip(F32(1) - np.abs(np.sin(phase * F32(np.pi))) / F32(0.12), 0, 1)
    cx, cy, hw, hh = _extent(mask)
    spec = F32(0.45) * _blob(x, y, cx - 0.3 * hw, cy - 0.4 * hh, 0.18 * hw + 3, 0.1 * hh + 3)
    return Look(F32(1.1) - F32(0.55) * veins + F32(0.05) * smooth_noise(rng, size, 10), spec, 1.0)


def _metal(x, y, rng, mask) -> Look:
    size = mask.shape[0]
    cx, _, hw, _ = _extent(mask)
    t = np.clip((x - cx) / hw, -1, 1)
    sheen = F32(0.7) + F32(0.6) * np.exp(-((t + 0.35) / 0.22) ** 2) + F32(0.25) * np.exp(-((t - 0.6) / 0.15) ** 2)
    brushed = np.repeat(rng.normal(0, 1, (size, 1)).astype(F32), size, axis=1)  # horizontal streaks
    spec = F32(0.35) * np.exp(-((t + 0.35) / 0.08) ** 2).astype(F32) * (mask > 0.5)
    return Look(sheen.astype(F32) + F32(0.06) * brushed, spec, 1.0)


def _linen(x, y, rng, mask) -> Look:
    size = mask.shape[0]
    rows = rng.normal(0, 1, (size, 1)).astype(F32)
    cols = rng.normal(0, 1, (1, size)).astype(F32)
    slubs = (rng.random((size, 1)) > 0.93).astype(F32) * F32(0.12)  # thick uneven threads
    creases = F32(0.06) * smooth_noise(rng, size, 3, 5)
    return Look(F32(1) + F32(0.07) * rows + F32(0.07) * cols + slubs + creases, None, 1.0)


def _velvet(x, y, rng, mask) -> Look:
    radius = max(2, mask.shape[0] // 18)
    inner = np.asarray(Image.fromarray((mask * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(radius)),
                       dtype=F32) / 255
    pile = F32(0.08) * smooth_noise(rng, mask.shape[0], 5)
    return Look(F32(0.45) + F32(0.75) * inner ** 2 + pile, None, 1.0)  # dark rim, glowing centre


def _wool(x, y, rng, mask) -> Look:
    col_w, row_h = F32(12), F32(9)
    u = x / col_w - np.floor(x / col_w) - F32(0.5)
    rows = y / row_h - np.abs(u) * F32(1.2)
    loops = F32(1) - np.abs(_tri(rows))
    fuzz = F32(0.06) * (rng.random(mask.shape, dtype=F32) - F32(0.5))
    return Look(F32(0.75) + F32(0.5) * loops + fuzz, None, 1.0)


def _glass(x, y, rng, mask) -> Look:
    cx, cy, hw, hh = _extent(mask)
    t = (x - cx) / hw
    streaks = np.exp(-((t + 0.55) / 0.07) ** 2) + 0.6 * np.exp(-((t - 0.5) / 0.05) ** 2)
    spec = (F32(0.55) * streaks.astype(F32)) * np.clip(F32(1) - np.abs((y - cy) / hh), 0, 1)
    radius = max(1, mask.shape[0] // 64)
    inner = np.asarray(Image.fromarray((mask * 255).astype(np.uint8)).filter(ImageFilter.MinFilter(2 * radius + 1)),
                       dtype=F32) / 255
    spec = np.maximum(spec, F32(0.3) * np.clip(mask - inner, 0, 1))  # bright rims where the glass is thick
    return Look(_round_body(x, mask) + F32(0.05) * smooth_noise(rng, mask.shape[0], 4), spec, GLASS_OPACITY)


MATERIALS: dict[str, Callable[..., Look]] = {
    "ceramic": _ceramic, "wood": _wood, "rattan": _rattan, "marble": _marble, "metal": _metal,
    "linen": _linen, "velvet": _velvet, "wool": _wool, "glass": _glass,
}


def material_look(material: str, mask: np.ndarray, rng: np.random.Generator, shade: np.ndarray | None = None) -> Look:
    """The look of `material` over an object mask, darkened by `shade`, with luminance of mean 1 on the object."""
    try:
        make = MATERIALS[material]
    except KeyError:
        raise ValueError(f"no look for material {material!r}; known materials are {', '.join(MATERIALS)}") from None
    size = mask.shape[0]
    y, x = np.mgrid[0:size, 0:size].astype(F32)
    look = make(x, y, rng, mask)
    lum = np.maximum(look.lum, F32(0.05))
    if shade is not None:
        lum = lum * (F32(1) - F32(SHADE_DEPTH) * shade)
    inside = mask > 0.5
    if inside.any():
        lum = lum / F32(lum[inside].mean())
    return Look(lum.astype(F32), look.spec, look.opacity)
