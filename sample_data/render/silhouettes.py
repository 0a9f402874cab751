"""Product silhouettes: each category is a list of painted parts in a unit box, posed onto a canvas."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

# Part ids in the drawn part map; compose.py decides how each part is coloured. The order is
# a priority: where parts share a pixel of the downsampled map, the higher id wins, so thin
# seams survive downsampling.
BODY, FOLD, RIB, LINING, DARK, SOLE, SEAM, STITCH, BUTTON, METAL = range(1, 11)
SUPERSAMPLE = 2  # the alpha edge is drawn at 2x and averaged down, so edges are antialiased


@dataclass(frozen=True)
class Shape:
    """A filled polygon (width 0) or a polyline `width` unit-box units wide, painted as `part`."""

    points: np.ndarray  # (n, 2) in the unit box: x right, y down, both in [0, 1]
    part: int
    width: float = 0.0
    closed: bool = False  # polylines only: join the last point to the first


@dataclass(frozen=True)
class Pose:
    """Where the unit box lands on a square canvas: rotation, scale (fraction of the side), centre."""

    angle: float  # degrees, counter-clockwise on screen
    scale: float  # the unit box's side as a fraction of the canvas side
    cx: float  # centre of the unit box on the canvas, px
    cy: float
    size: int  # canvas side, px

    def matrix(self) -> np.ndarray:
        """Unit-box offsets from the box centre -> canvas px offsets."""
        a = math.radians(self.angle)
        c, s = math.cos(a), math.sin(a)
        return self.scale * self.size * np.array([[c, s], [-s, c]])

    def to_canvas(self, points: np.ndarray) -> np.ndarray:
        return (np.asarray(points) - 0.5) @ self.matrix().T + (self.cx, self.cy)

    def unit_coords(self) -> tuple[np.ndarray, np.ndarray]:
        """Unit-box (u, v) of every canvas pixel centre, as two (size, size) float32 arrays."""
        inv = np.linalg.inv(self.matrix()).astype(np.float32)
        px = np.arange(self.size, dtype=np.float32) + 0.5
        x = (px - np.float32(self.cx))[None, :]
        y = (px - np.float32(self.cy))[:, None]
        return inv[0, 0] * x + inv[0, 1] * y + 0.5, inv[1, 0] * x + inv[1, 1] * y + 0.5


# ---- geometry helpers -------------------------------------------------------------


def _pts(*xy: float) -> np.ndarray:
    return np.asarray(xy, dtype=float).reshape(-1, 2)


def _mirror(points: np.ndarray) -> np.ndarray:
    out = np.array(points, dtype=float)
    out[:, 0] = 1.0 - out[:, 0]
    return out


def _symmetric(half: np.ndarray) -> np.ndarray:
    """A closed outline from its left half, given from the top centre down to the bottom centre."""
    return np.concatenate([half, _mirror(half)[::-1]])


def _ellipse(cx: float, cy: float, rx: float, ry: float, a0: float = 0.0, a1: float = 360.0, n: int = 28) -> np.ndarray:
    t = np.radians(np.linspace(a0, a1, n))
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def _both(shape: Shape) -> list[Shape]:
    """A detail and its mirror image (pockets, cuffs, lapels)."""
    return [shape, Shape(_mirror(shape.points), shape.part, shape.width, shape.closed)]


def _line(part: int, width: float, *xy: float, closed: bool = False) -> Shape:
    return Shape(_pts(*xy), part, width, closed)


# ---- categories ---------------------------------------------------------------------
# Each takes the spec's shape rng (small proportions jitter) and returns parts back to front.


def _dress(rng: np.random.Generator) -> list[Shape]:
    flare = rng.uniform(0.0, 0.06)
    waist = rng.uniform(0.36, 0.41)
    half = _pts(0.5, 0.14, 0.43, 0.05, 0.37, 0.03, 0.34, 0.13, 0.33, 0.23, 0.37, waist,
                0.33, waist + 0.12, 0.15 - flare, 0.95, 0.32, 0.975, 0.5, 0.98)
    shapes = [Shape(_symmetric(half), BODY), _line(SEAM, 0.012, 0.37, waist, 0.63, waist)]
    for x0, x1 in ((0.45, 0.38), (0.55, 0.62), (0.41, 0.27), (0.59, 0.73)):
        shapes.append(_line(FOLD, 0.014, x0, waist + 0.03, x1, 0.93))
    shapes += _both(_line(SEAM, 0.008, 0.43, 0.05, 0.5, 0.14))
    return shapes


def _tshirt(rng: np.random.Generator) -> list[Shape]:
    sleeve = rng.uniform(-0.02, 0.02)
    half = _pts(0.5, 0.16, 0.40, 0.08, 0.25, 0.12, 0.04 + sleeve, 0.30, 0.12 + sleeve, 0.42, 0.26, 0.33,
                0.26, 0.88, 0.5, 0.88)
    shapes = [Shape(_symmetric(half), BODY)]
    shapes += _both(_line(RIB, 0.03, 0.40, 0.08, 0.44, 0.13, 0.5, 0.16))
    shapes += _both(_line(SEAM, 0.01, 0.07 + sleeve, 0.33, 0.145 + sleeve, 0.40))
    shapes += _both(_line(SEAM, 0.008, 0.26, 0.33, 0.25, 0.13))
    shapes.append(_line(SEAM, 0.008, 0.26, 0.845, 0.74, 0.845))
    return shapes


def _shirt(rng: np.random.Generator) -> list[Shape]:
    drop = rng.uniform(-0.03, 0.03)
    half = _pts(0.5, 0.10, 0.42, 0.05, 0.28, 0.08, 0.15, 0.38, 0.04 + drop, 0.80, 0.13 + drop, 0.84,
                0.27, 0.40, 0.30, 0.34, 0.30, 0.90, 0.38, 0.965, 0.5, 0.98)
    shapes = [Shape(_symmetric(half), BODY)]
    shapes += _both(Shape(_pts(0.5, 0.17, 0.39, 0.04, 0.47, 0.03, 0.5, 0.08), BODY))
    shapes += _both(_line(SEAM, 0.009, 0.5, 0.17, 0.39, 0.04, 0.47, 0.03))
    shapes += _both(_line(SEAM, 0.01, 0.055 + drop, 0.74, 0.145 + drop, 0.78))
    shapes += _both(_line(SEAM, 0.008, 0.30, 0.34, 0.28, 0.09))
    shapes.append(_line(SEAM, 0.009, 0.5, 0.17, 0.5, 0.98))
    shapes.append(_line(SEAM, 0.009, 0.54, 0.17, 0.54, 0.97))
    for y in np.linspace(0.22, 0.88, 6):
        shapes.append(Shape(_ellipse(0.52, y, 0.014, 0.014, n=12), BUTTON))
    shapes += _both(_line(SEAM, 0.008, 0.34, 0.26, 0.43, 0.26, 0.43, 0.36, 0.34, 0.36, closed=True))
    return shapes


def _sweater(rng: np.random.Generator) -> list[Shape]:
    spread = rng.uniform(-0.03, 0.03)
    half = _pts(0.5, 0.13, 0.40, 0.06, 0.25, 0.10, 0.03 - spread, 0.62, 0.13 - spread, 0.70,
                0.27, 0.36, 0.27, 0.95, 0.5, 0.95)
    shapes = [Shape(_symmetric(half), BODY)]
    shapes.append(Shape(_pts(0.27, 0.86, 0.73, 0.86, 0.73, 0.95, 0.27, 0.95), RIB))
    shapes += _both(Shape(_pts(0.045 - spread, 0.565, 0.145 - spread, 0.63, 0.13 - spread, 0.70,
                               0.03 - spread, 0.62), RIB))
    shapes += _both(_line(RIB, 0.035, 0.40, 0.06, 0.44, 0.115, 0.5, 0.13))
    for x in np.linspace(0.29, 0.71, 15):
        shapes.append(_line(SEAM, 0.006, x, 0.865, x, 0.945))
    for t in (0.25, 0.5, 0.75):
        a = np.array([0.045 - spread, 0.565]) * (1 - t) + np.array([0.145 - spread, 0.63]) * t
        b = np.array([0.03 - spread, 0.62]) * (1 - t) + np.array([0.13 - spread, 0.70]) * t
        shapes += _both(Shape(np.stack([a, b]), SEAM, 0.006))
    shapes += _both(_line(SEAM, 0.008, 0.27, 0.36, 0.25, 0.11))
    return shapes


def _legs(waist: float, hip: float, hem_out: float, hem_in: float, crotch: float, length: float) -> np.ndarray:
    return _symmetric(_pts(0.5, 0.03, waist, 0.03, hip, 0.26, hem_out, length, hem_in, length, 0.5, crotch))


def _pants(rng: np.random.Generator) -> list[Shape]:
    wide = rng.uniform(0.0, 0.04)
    shapes = [Shape(_legs(0.30, 0.26, 0.17 - wide, 0.445, 0.36, 0.98), BODY)]
    shapes.append(Shape(_pts(0.30, 0.03, 0.70, 0.03, 0.705, 0.08, 0.295, 0.08), RIB))
    shapes.append(_line(SEAM, 0.009, 0.52, 0.08, 0.52, 0.28, 0.5, 0.33))
    shapes += _both(_line(FOLD, 0.012, 0.385, 0.10, 0.31 - wide / 2, 0.97))
    shapes += _both(_line(SEAM, 0.009, 0.33, 0.08, 0.29, 0.22))
    for x in (0.34, 0.44):
        shapes += _both(_line(SEAM, 0.012, x, 0.025, x, 0.09))
    return shapes


def _jeans(rng: np.random.Generator) -> list[Shape]:
    taper = rng.uniform(0.0, 0.03)
    shapes = [Shape(_legs(0.32, 0.285, 0.30 + taper, 0.455 - taper / 2, 0.33, 0.98), BODY)]
    shapes.append(Shape(_pts(0.32, 0.03, 0.68, 0.03, 0.685, 0.08, 0.315, 0.08), RIB))
    shapes.append(_line(STITCH, 0.008, 0.32, 0.075, 0.68, 0.075))
    shapes.append(_line(STITCH, 0.008, 0.53, 0.08, 0.53, 0.24, 0.5, 0.29))
    shapes += _both(Shape(_ellipse(0.40, 0.08, 0.085, 0.11, 20, 100, n=10), STITCH, 0.009))
    shapes += _both(_line(STITCH, 0.008, 0.36, 0.95, 0.445 - taper / 2, 0.95))
    shapes += _both(_line(STITCH, 0.008, 0.33, 0.10, 0.38, 0.10, 0.38, 0.15, 0.33, 0.15, closed=True))
    shapes.append(Shape(_ellipse(0.5, 0.055, 0.016, 0.016, n=12), METAL))
    shapes += _both(Shape(_ellipse(0.31, 0.11, 0.008, 0.008, n=8), METAL))
    return shapes


def _skirt(rng: np.random.Generator) -> list[Shape]:
    hem = rng.uniform(0.80, 0.88)
    flare = rng.uniform(0.0, 0.05)
    half = _pts(0.5, 0.12, 0.32, 0.12, 0.30, 0.22, 0.13 - flare, hem, 0.32, hem + 0.02, 0.5, hem + 0.025)
    shapes = [Shape(_symmetric(half), BODY)]
    shapes.append(Shape(_pts(0.32, 0.12, 0.68, 0.12, 0.685, 0.17, 0.315, 0.17), RIB))
    for x0, x1 in ((0.40, 0.30), (0.46, 0.43), (0.54, 0.57), (0.60, 0.70)):
        shapes.append(_line(FOLD, 0.014, x0, 0.19, x1, hem))
    return shapes


def _shorts(rng: np.random.Generator) -> list[Shape]:
    length = rng.uniform(0.74, 0.82)
    half = _pts(0.5, 0.18, 0.24, 0.18, 0.20, 0.34, 0.11, length, 0.46, length + 0.02, 0.5, 0.55)
    shapes = [Shape(_symmetric(half), BODY)]
    shapes.append(Shape(_pts(0.24, 0.18, 0.76, 0.18, 0.765, 0.245, 0.235, 0.245), RIB))
    shapes += _both(Shape(_pts(0.115, length - 0.06, 0.465, length - 0.04, 0.46, length + 0.02,
                               0.11, length), RIB))
    shapes.append(_line(SEAM, 0.009, 0.53, 0.245, 0.53, 0.45, 0.5, 0.52))
    shapes += _both(_line(SEAM, 0.009, 0.28, 0.245, 0.21, 0.38))
    return shapes


def _jacket(rng: np.random.Generator) -> list[Shape]:
    hem = rng.uniform(0.76, 0.82)
    # broad padded shoulders, sleeves hanging close to a boxy body
    half = _pts(0.5, 0.10, 0.42, 0.05, 0.23, 0.09, 0.16, 0.22, 0.12, 0.78, 0.21, 0.80, 0.235, 0.36,
                0.25, 0.30, 0.25, hem, 0.5, hem)
    shapes = [Shape(_symmetric(half), BODY)]
    # the open front shows the dark inside of the back
    shapes.append(Shape(_pts(0.44, 0.08, 0.56, 0.08, 0.545, 0.48, 0.53, hem, 0.47, hem, 0.455, 0.48), LINING))
    shapes += _both(Shape(_pts(0.42, 0.05, 0.455, 0.48, 0.38, 0.27, 0.40, 0.22, 0.36, 0.17), BODY))
    shapes += _both(_line(SEAM, 0.01, 0.42, 0.05, 0.36, 0.17, 0.40, 0.22, 0.38, 0.27, 0.455, 0.48))
    shapes += _both(_line(SEAM, 0.008, 0.455, 0.48, 0.47, hem))
    shapes += _both(_line(SEAM, 0.012, 0.29, 0.60, 0.41, 0.59))
    shapes += _both(_line(SEAM, 0.01, 0.125, 0.71, 0.215, 0.73))
    shapes += _both(Shape(_ellipse(0.435, 0.55, 0.012, 0.012, n=10), BUTTON))
    return shapes


def _coat(rng: np.random.Generator) -> list[Shape]:
    belt = rng.uniform(0.42, 0.48)
    half = _pts(0.5, 0.08, 0.43, 0.03, 0.31, 0.06, 0.23, 0.36, 0.17, 0.66, 0.25, 0.69, 0.315, 0.36,
                0.32, 0.30, 0.28, 0.98, 0.5, 0.985)
    shapes = [Shape(_symmetric(half), BODY)]
    shapes += _both(Shape(_pts(0.43, 0.03, 0.52, 0.36, 0.38, 0.22, 0.40, 0.17, 0.37, 0.13), BODY))
    shapes += _both(_line(SEAM, 0.01, 0.43, 0.03, 0.37, 0.13, 0.40, 0.17, 0.38, 0.22, 0.5, 0.34))
    shapes.append(_line(SEAM, 0.01, 0.57, 0.36, 0.57, 0.98))
    y0, y1 = belt, belt + 0.04
    shapes.append(Shape(_pts(0.318, y0, 0.682, y0, 0.684, y1, 0.316, y1), RIB))
    shapes.append(_line(METAL, 0.012, 0.47, y0 - 0.005, 0.53, y0 - 0.005, 0.53, y1 + 0.005, 0.47, y1 + 0.005,
                        closed=True))
    for y in (0.30, belt + 0.12, belt + 0.24):
        for x in (0.45, 0.62):
            shapes.append(Shape(_ellipse(x, y, 0.015, 0.015, n=10), BUTTON))
    shapes += _both(_line(SEAM, 0.01, 0.18, 0.60, 0.25, 0.63))
    shapes += _both(_line(SEAM, 0.01, 0.33, 0.70, 0.42, 0.70))
    return shapes


def _sneakers(rng: np.random.Generator) -> list[Shape]:
    top = rng.uniform(-0.02, 0.02)
    upper = _pts(0.05, 0.70, 0.06, 0.61, 0.13, 0.52, 0.35, 0.43, 0.55, 0.30 + top, 0.64, 0.31 + top,
                 0.73, 0.35 + top, 0.86, 0.29 + top, 0.93, 0.35, 0.96, 0.50, 0.96, 0.70)
    shapes = [Shape(upper, BODY)]
    shapes.append(Shape(_pts(0.03, 0.69, 0.97, 0.69, 0.97, 0.76, 0.90, 0.785, 0.08, 0.785, 0.03, 0.75), SOLE))
    shapes.append(_line(SEAM, 0.007, 0.05, 0.735, 0.96, 0.735))
    shapes.append(Shape(_pts(0.57, 0.305 + top, 0.64, 0.31 + top, 0.73, 0.35 + top, 0.70, 0.37 + top,
                             0.62, 0.345 + top), LINING))
    shapes.append(_line(SEAM, 0.01, 0.06, 0.62, 0.20, 0.62, 0.24, 0.68))
    shapes.append(_line(STITCH, 0.016, 0.30, 0.62, 0.55, 0.52, 0.75, 0.50, 0.86, 0.44))
    for t in np.linspace(0.0, 1.0, 5):
        x, y = 0.36 + 0.18 * t, 0.47 - 0.14 * t - top * t
        shapes.append(_line(SOLE, 0.011, x - 0.025, y - 0.03, x + 0.035, y + 0.025))
    shapes.append(_line(SEAM, 0.008, 0.86, 0.31 + top, 0.90, 0.68))
    return shapes


def _boots(rng: np.random.Generator) -> list[Shape]:
    shaft = rng.uniform(0.03, 0.12)
    outline = _pts(0.40, shaft, 0.70, shaft, 0.69, 0.40, 0.72, 0.62, 0.74, 0.90, 0.13, 0.90, 0.12, 0.81,
                   0.20, 0.71, 0.40, 0.62, 0.42, 0.40)
    shapes = [Shape(outline, BODY)]
    shapes.append(Shape(_pts(0.11, 0.88, 0.75, 0.88, 0.75, 0.93, 0.12, 0.93), DARK))
    shapes.append(Shape(_pts(0.58, 0.90, 0.75, 0.90, 0.74, 0.98, 0.59, 0.98), DARK))
    shapes.append(Shape(_pts(0.40, shaft, 0.70, shaft, 0.70, shaft + 0.025, 0.40, shaft + 0.025), LINING))
    shapes.append(_line(STITCH, 0.009, 0.67, shaft + 0.04, 0.66, 0.42, 0.69, 0.62))
    shapes.append(_line(SEAM, 0.01, 0.13, 0.82, 0.21, 0.74, 0.36, 0.70))
    shapes.append(_line(SEAM, 0.008, 0.42, 0.45, 0.69, 0.45))
    return shapes


def _heels(rng: np.random.Generator) -> list[Shape]:
    # a pump seen from the side, toe to the left: a closed toe box, a low-cut opening, a stiletto
    lift = rng.uniform(-0.03, 0.03)
    body = _pts(0.05, 0.80, 0.07, 0.73, 0.14, 0.67, 0.26, 0.63, 0.38, 0.62, 0.55, 0.53 + lift / 2,
                0.72, 0.42 + lift, 0.85, 0.35 + lift, 0.89, 0.37 + lift, 0.90, 0.46 + lift, 0.86, 0.51 + lift,
                0.70, 0.585 + lift / 2, 0.52, 0.74, 0.36, 0.83, 0.20, 0.845, 0.09, 0.835)
    shapes = [Shape(_pts(0.78, 0.50 + lift, 0.885, 0.49 + lift, 0.835, 0.95, 0.815, 0.95), BODY), Shape(body, BODY)]
    shapes.append(Shape(_pts(0.81, 0.93, 0.84, 0.93, 0.84, 0.965, 0.81, 0.965), DARK))
    # the open top shows the insole
    shapes.append(Shape(_pts(0.40, 0.62, 0.55, 0.535 + lift / 2, 0.72, 0.425 + lift, 0.85, 0.355 + lift,
                             0.86, 0.40 + lift, 0.72, 0.47 + lift, 0.55, 0.58, 0.44, 0.63), LINING))
    shapes.append(_line(DARK, 0.014, 0.06, 0.815, 0.20, 0.848, 0.36, 0.833, 0.52, 0.745, 0.70, 0.59 + lift / 2,
                        0.86, 0.515 + lift))
    shapes.append(_line(SEAM, 0.008, 0.12, 0.69, 0.18, 0.76, 0.16, 0.83))
    return shapes


def _handbag(rng: np.random.Generator) -> list[Shape]:
    peak = rng.uniform(0.06, 0.16)
    body = _pts(0.17, 0.40, 0.83, 0.40, 0.90, 0.88, 0.86, 0.93, 0.14, 0.93, 0.10, 0.88)
    handle = _ellipse(0.5, 0.42, 0.20, 0.42 - peak, 180, 360, n=24)
    shapes = [Shape(handle, BODY, 0.055), Shape(body, BODY)]
    shapes.append(_line(SEAM, 0.01, 0.168, 0.42, 0.5, 0.62, 0.832, 0.42))
    shapes.append(Shape(_ellipse(0.5, 0.60, 0.03, 0.025, n=12), METAL))
    shapes += _both(_line(SEAM, 0.008, 0.19, 0.45, 0.14, 0.88))
    shapes.append(_line(SEAM, 0.008, 0.13, 0.89, 0.87, 0.89))
    return shapes


def _hat(rng: np.random.Generator) -> list[Shape]:
    brim = rng.uniform(0.40, 0.47)
    crown = np.concatenate([_pts(0.30, 0.66, 0.31, 0.34), _ellipse(0.5, 0.34, 0.19, 0.14, 180, 360, n=16),
                            _pts(0.69, 0.66)])
    shapes = [Shape(_ellipse(0.5, 0.66, brim, 0.12), BODY), Shape(crown, BODY)]
    shapes.append(Shape(_pts(0.302, 0.55, 0.698, 0.55, 0.70, 0.64, 0.30, 0.64), DARK))
    shapes.append(Shape(_ellipse(0.5, 0.66, brim, 0.12, 10, 170, n=16), SEAM, 0.012))
    shapes.append(_line(FOLD, 0.02, 0.5, 0.22, 0.5, 0.40))
    return shapes


def _bezier(p0, p1, p2, p3, n: int = 24) -> np.ndarray:
    t = np.linspace(0.0, 1.0, n)[:, None]
    p0, p1, p2, p3 = (np.asarray(p, dtype=float) for p in (p0, p1, p2, p3))
    return (1 - t) ** 3 * p0 + 3 * (1 - t) ** 2 * t * p1 + 3 * (1 - t) * t**2 * p2 + t**3 * p3


def _fringe(end: np.ndarray, toward: np.ndarray, half: float, length: float) -> list[Shape]:
    """Tassels across a strip's end, pointing away from the strip."""
    d = end - toward
    d = d / np.linalg.norm(d)
    across = np.array([-d[1], d[0]])
    shapes = []
    for k in np.linspace(-1, 1, 9):
        root = end + across * half * k * 0.9
        shapes.append(Shape(np.stack([root - d * 0.01, root + d * length]), BODY, 0.009))
    shapes.append(Shape(np.stack([end - d * 0.02 + across * half, end - d * 0.02 - across * half]), SEAM, 0.008))
    return shapes


def _scarf(rng: np.random.Generator) -> list[Shape]:
    # a long strip laid in a loose S across the box, with tassels at both ends
    bend = rng.uniform(-0.06, 0.06)
    path = _bezier((0.30, 0.06), (0.95 + bend, 0.30), (0.05 - bend, 0.62), (0.66, 0.90))
    width = 0.17
    shapes = [Shape(path, BODY, width)]
    shapes.append(Shape(path[2:-2] + (0.03, 0.0), FOLD, 0.012))
    shapes += _fringe(path[0], path[1], width / 2, 0.06)
    shapes += _fringe(path[-1], path[-2], width / 2, 0.06)
    return shapes


SILHOUETTES: dict[str, Callable[[np.random.Generator], list[Shape]]] = {
    "dress": _dress,
    "t-shirt": _tshirt,
    "shirt": _shirt,
    "sweater": _sweater,
    "pants": _pants,
    "jeans": _jeans,
    "skirt": _skirt,
    "shorts": _shorts,
    "jacket": _jacket,
    "coat": _coat,
    "sneakers": _sneakers,
    "boots": _boots,
    "heels": _heels,
    "handbag": _handbag,
    "hat": _hat,
    "scarf": _scarf,
}


def silhouette(category: str, rng: np.random.Generator) -> list[Shape]:
    """The parts of one product of `category`, with small proportion jitter from `rng`."""
    try:
        build = SILHOUETTES[category]
    except KeyError:
        raise ValueError(f"unknown category {category!r}; known categories are {', '.join(SILHOUETTES)}") from None
    return build(rng)


def extent(shapes: list[Shape]) -> np.ndarray:
    """All outline points (strokes padded by half their width), for fitting a pose to the canvas."""
    parts = []
    for s in shapes:
        if s.width:
            h = s.width / 2
            parts += [s.points + d for d in ((-h, -h), (h, h), (-h, h), (h, -h))]
        else:
            parts.append(s.points)
    return np.concatenate(parts)


def fit_pose(shapes: list[Shape], size: int, rng: np.random.Generator, scale: tuple[float, float] = (0.55, 0.9),
             max_angle: float = 20.0, margin: float = 0.03) -> Pose:
    """A random rotation, scale and position that keeps every part on the canvas."""
    angle = rng.uniform(-max_angle, max_angle)
    s = rng.uniform(*scale)
    probe = Pose(angle, 1.0, 0.0, 0.0, size)
    pts = probe.to_canvas(extent(shapes))
    lo, hi = pts.min(axis=0), pts.max(axis=0)  # at scale 1, centred on 0
    room = size * (1 - 2 * margin)
    s = min(s, room / float((hi - lo).max()))
    lo, hi = lo * s, hi * s
    slack = np.maximum(room - (hi - lo), 0.0)
    start = size * margin - lo + slack * rng.uniform(0.0, 1.0, size=2)
    return Pose(angle, s, float(start[0]), float(start[1]), size)


def draw_parts(shapes: list[Shape], pose: Pose) -> tuple[np.ndarray, np.ndarray]:
    """(part map uint8, coverage alpha float32 in [0, 1]) of the posed shapes on the canvas."""
    ss = SUPERSAMPLE
    big = Image.new("L", (pose.size * ss, pose.size * ss), 0)
    draw = ImageDraw.Draw(big)
    px_per_unit = pose.scale * pose.size * ss
    for s in shapes:
        xy = [tuple(p) for p in (pose.to_canvas(s.points) * ss).tolist()]
        if s.width:
            if s.closed:
                xy.append(xy[0])
            draw.line(xy, fill=s.part, width=max(1, round(s.width * px_per_unit)), joint="curve")
        else:
            draw.polygon(xy, fill=s.part)
    parts_big = np.asarray(big)
    parts = parts_big[::ss, ::ss]
    for dy in range(ss):
        for dx in range(ss):
            if dy or dx:
                parts = np.maximum(parts, parts_big[dy::ss, dx::ss])
    cover = Image.fromarray(((parts_big > 0) * np.uint8(255)).astype(np.uint8)).reduce(ss)
    return parts, np.asarray(cover, dtype=np.float32) * np.float32(1 / 255)
