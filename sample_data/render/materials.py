"""Material textures as a luminance field and a specular field, in garment coordinates.

Textures change brightness only (the hue of the garment stays its colour) and are sized in
canvas pixels (at a 256 px canvas), coarse enough to survive downscaling to 64-96 px: denim a
diagonal twill with flecks and fading, knit chunky chevron rows of V stitches, leather a soft
mottle under one round glossy highlight, satin broad flowing sheen bands, linen uneven slubs
and pressed-in creases, cotton an even, fine, matte weave (which reads as plain at low resolution).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image

from sample_data.render.patterns import frac

F32 = np.float32


@dataclass(frozen=True)
class Texture:
    """Multiplicative luminance (about 1) and additive specular share (0 = none, 1 = white)."""

    lum: np.ndarray  # (h, w) float32
    spec: np.ndarray | None  # (h, w) float32 or None for matte materials


def smooth_noise(rng: np.random.Generator, size: int, cells: int, cells_x: int | None = None) -> np.ndarray:
    """Value noise in [-1, 1]: a grid of random values (`cells` rows, `cells_x` columns) smoothly upsampled."""
    grid = Image.fromarray(rng.uniform(-1, 1, (cells + 1, (cells_x or cells) + 1)).astype(F32))
    return np.asarray(grid.resize((size, size), Image.BICUBIC), dtype=F32)


def _tri(x: np.ndarray) -> np.ndarray:
    """A triangle wave in [-1, 1] with period 1; cheaper than a sine and as smooth at 96 px."""
    return F32(4) * np.abs(frac(x) - F32(0.5)) - F32(1)


def _cotton(u, v, px, rng, size) -> Texture:
    tx, ty = u * px, v * px
    weave = _tri(tx * F32(1 / 3)) * _tri(ty * F32(1 / 3))
    return Texture(F32(1) + F32(0.025) * weave + F32(0.015) * smooth_noise(rng, size, 8), None)


def _denim(u, v, px, rng, size) -> Texture:
    period = 12.0
    twill = _tri((u + v * F32(0.55)) * (px * F32(1 / period)))  # steep diagonal, as a 3/1 twill
    speckle = (rng.random((size, size), dtype=F32) > F32(0.88)) * F32(0.14)  # white weft flecks
    fade = smooth_noise(rng, size, 4)  # worn, lighter patches
    return Texture(F32(0.98) + F32(0.12) * twill + speckle + F32(0.1) * fade, None)


def _knit(u, v, px, rng, size) -> Texture:
    col_w, row_h = 19.0, 13.0
    fx = frac(u * (px * F32(1 / col_w))) - F32(0.5)
    rows = v * (px * F32(1 / row_h)) - np.abs(fx) * F32(1.4)  # rows bend into a V in every column
    stitch = _tri(rows)
    gap = np.abs(fx) * F32(2)
    gap = gap * gap * gap * gap  # dark valley between stitch columns
    return Texture(F32(1.02) + F32(0.15) * stitch - F32(0.24) * gap, None)


def _leather(u, v, px, rng, size) -> Texture:
    mottle = F32(0.09) * smooth_noise(rng, size, 5) + F32(0.05) * smooth_noise(rng, size, 30)
    # one round highlight on the upper part of the object, in its own frame
    u0, v0 = rng.uniform(0.3, 0.7), rng.uniform(0.25, 0.5)
    du, dv = u - F32(u0), v - F32(v0)
    gloss = np.exp(-(du * du + dv * dv) * F32(1 / 0.02))
    return Texture(F32(0.95) + mottle + F32(0.22) * gloss, F32(0.32) * gloss)


def _satin(u, v, px, rng, size) -> Texture:
    period = rng.uniform(0.3, 0.45)  # of the garment: sheen follows the folds of the whole piece
    a = rng.uniform(-0.6, 0.6) + np.pi / 4
    warp = F32(0.6) * smooth_noise(rng, size, 3)  # folds flow rather than repeat exactly
    phase = (u * F32(np.cos(a)) + v * F32(np.sin(a))) * F32(1 / period) + warp
    band = F32(0.5) + F32(0.5) * np.cos(F32(2 * np.pi) * phase)
    b2 = band * band
    b8 = b2 * b2
    b8 *= b8
    # Sheen is mostly a brighter version of the colour (which keeps its hue) with a narrow
    # white crest, so the cloth reads as satin and still as its colour.
    return Texture(F32(0.88) + F32(0.36) * b2, F32(0.38) * b8 * b2)


def _linen(u, v, px, rng, size) -> Texture:
    period = 8.0
    n = 64
    tx, ty = u * px, v * px
    thread = rng.uniform(0.4, 1.0, (2, n)).astype(F32)  # every thread a little different
    slub = rng.uniform(-1, 1, (n, n)).astype(F32)
    slub *= np.abs(slub)  # mostly faint, a few strong: irregular rather than a check
    row = np.floor(ty * F32(1 / period)).astype(np.int32) & (n - 1)
    col = np.floor(tx * F32(1 / period)).astype(np.int32) & (n - 1)
    cross = _tri(ty * F32(1 / period)) * thread[0, row] + _tri(tx * F32(1 / period)) * thread[1, col]
    # slubs: thick, uneven stretches of a weft thread, long along the row, tapered at both ends
    along = tx * F32(1 / 48) + row.astype(F32) * F32(0.37)
    seg = np.floor(along)
    taper = F32(1) - np.abs(F32(2) * (along - seg) - F32(1))
    profile = F32(0.6) - F32(0.4) * _tri(ty * F32(1 / period))  # fullest mid-thread
    slubs = slub[row, seg.astype(np.int32) & (n - 1)] * taper * profile
    # wrinkles: troughs along the zero contours of a smooth field, lit from the top left so
    # each shows a dark and a light side (linen creases wherever it is handled)
    field = smooth_noise(rng, size, 8, 4)  # stretched: creases run across more than down
    crease = np.exp(-field * field * F32(1 / 0.012))
    dy, dx = np.gradient(crease)
    relief = F32(0.08) * crease - F32(1.2) * (dx + dy)
    return Texture(F32(1.0) + F32(0.03) * cross + F32(0.3) * slubs - relief, None)


# (u, v: unit-box coordinates, px: canvas px at 256 per unit-box unit, rng, canvas size) -> Texture
MATERIALS: dict[str, Callable[[np.ndarray, np.ndarray, np.float32, np.random.Generator, int], Texture]] = {
    "cotton": _cotton,
    "denim": _denim,
    "leather": _leather,
    "knit": _knit,
    "satin": _satin,
    "linen": _linen,
}


def texture(material: str, u: np.ndarray, v: np.ndarray, px_per_unit: float,
            rng: np.random.Generator) -> Texture:
    """The luminance and specular fields of `material` at unit-box coordinates (u, v).

    `px_per_unit` sizes the weave: canvas pixels (of a 256 px canvas) per unit-box unit, so a
    small product keeps a legible texture instead of a finer one.
    """
    try:
        fn = MATERIALS[material]
    except KeyError:
        raise ValueError(f"unknown material {material!r}; known materials are {', '.join(MATERIALS)}") from None
    return fn(u, v, F32(px_per_unit), rng, u.shape[0])
