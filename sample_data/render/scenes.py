"""A scene: 2-4 products of an outfit laid out on a flat-lay or room-like background, with boxes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from PIL import Image

from sample_data.render.compose import (F32, Layer, drop_shadow, grain, light, render_layer, stream,
                                        to_image)
from sample_data.render.materials import smooth_noise
from sample_data.spec import ProductSpec, SceneSpec

MIN_SCENE_SIZE = 128
LAYOUT, SCENE_BACKGROUND, SCENE_LIGHT, SCENE_GRAIN, SHADOWS = range(11, 16)
POSE_STREAM = 100  # + slot index: each member gets its own pose, independent of the others

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class RenderedScene:
    """A scene image and, per member in order, the tight box of its visible pixels."""

    image: Image.Image  # RGB, size x size
    boxes: tuple[tuple[str, Box], ...]  # (item_id, (x0, y0, x1, y1)); x1, y1 exclusive
    masks: tuple[np.ndarray, ...] = ()  # per member, (size, size) bool: all its pixels, hidden ones too


def _slots(n: int, size: int, rng: np.random.Generator) -> list[tuple[int, int, int, int]]:
    """Non-overlapping (x, y, w, h) cells, one per product: halves, a half and two quarters, or quarters."""
    h = size // 2
    if n == 2:
        cells = [(0, 0, h, size), (h, 0, size - h, size)]
    elif n == 3:
        cells = [(0, 0, h, size), (h, 0, size - h, h), (h, h, size - h, size - h)]
    else:
        cells = [(0, 0, h, h), (h, 0, size - h, h), (0, h, h, size - h), (h, h, size - h, size - h)]
    if rng.random() < 0.5:  # transpose: the halves stack, the big cell sits on top
        cells = [(y, x, ch, cw) for x, y, cw, ch in cells]
    return cells


def _planks(size: int, rng: np.random.Generator) -> np.ndarray:
    """Pale, desaturated floorboards: rows of slightly different brightness with a soft grain."""
    rows = int(rng.integers(4, 8))
    edges = np.arange(size) * rows // size
    levels = rng.uniform(-0.04, 0.04, rows).astype(F32)
    # grain: noise that varies fast across the boards and slowly along them
    streaks = Image.fromarray(rng.uniform(-1, 1, (size // 6, 5)).astype(F32)).resize((size, size), Image.BICUBIC)
    field = levels[edges][:, None] + F32(0.02) * np.asarray(streaks, dtype=F32)
    seam = (np.diff(edges, prepend=edges[0]) != 0).astype(F32)
    return F32(1) + field - F32(0.12) * seam[:, None]


def _room(size: int, rng: np.random.Generator) -> np.ndarray:
    """A wall meeting the floor: the floor a little darker, the corner softly shaded."""
    horizon = rng.uniform(0.25, 0.4) * size
    y = np.arange(size, dtype=F32)[:, None]
    wall = F32(1.02) - F32(0.04) * y / F32(horizon)
    floor = F32(0.93) - F32(0.05) * (y - F32(horizon)) / F32(size)
    edge = np.clip((y - F32(horizon)) / F32(3), 0, 1)
    return wall * (1 - edge) + floor * edge + np.zeros((1, size), F32)


def _cloth(size: int, rng: np.random.Generator) -> np.ndarray:
    """A light fabric backdrop: gentle folds."""
    return F32(1) + F32(0.035) * smooth_noise(rng, size, 4) + F32(0.01) * smooth_noise(rng, size, 40)


def scene_background(size: int, rng: np.random.Generator) -> np.ndarray:
    """A (3, size, size) light, neutral surface; no palette colour dominates it."""
    kind = int(rng.integers(3))
    field = (_planks, _room, _cloth)[kind](size, rng)
    level = rng.uniform(204, 230)  # below white garments, so they keep an edge
    warm = rng.uniform(0, 10) if kind == 0 else rng.uniform(-4, 4)  # wood is a touch warmer
    color = np.array([level + warm, level + warm * 0.4, level - warm], dtype=F32)
    return color[:, None, None] * field[None]


def _visible_box(mask: np.ndarray) -> Box | None:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def _check(scene: SceneSpec, products: Mapping[str, ProductSpec], size: int) -> list[ProductSpec]:
    if not isinstance(size, int) or size < MIN_SCENE_SIZE:
        raise ValueError(f"scene size must be an int of at least {MIN_SCENE_SIZE} px, got {size!r}")
    if not 2 <= len(scene.members) <= 4:
        raise ValueError(f"scene {scene.item_id} has {len(scene.members)} members {scene.members}; expected 2 to 4")
    missing = [m for m in scene.members if m not in products]
    if missing:
        raise ValueError(f"scene {scene.item_id}: no product spec for member(s) {missing}; pass every member's spec")
    return [products[m] for m in scene.members]


def render_scene(scene: SceneSpec, products: Mapping[str, ProductSpec], size: int = 448) -> RenderedScene:
    """The image of `scene`: each member drawn from its own spec, in its own cell, with its box."""
    members = _check(scene, products, size)
    rng = stream(scene.seed, LAYOUT)
    canvas = scene_background(size, stream(scene.seed, SCENE_BACKGROUND))
    shadow_rng = stream(scene.seed, SHADOWS)
    owner = np.full((size, size), -1, dtype=np.int8)  # which member each pixel shows
    masks = []
    for k, (spec, (x, y, w, h)) in enumerate(zip(members, _slots(len(members), size, rng))):
        side = min(w, h)
        x0 = x + int(rng.integers(0, w - side + 1))
        y0 = y + int(rng.integers(0, h - side + 1))
        pose_seed = int(stream(scene.seed, POSE_STREAM + k).integers(1 << 62))
        layer: Layer = render_layer(spec, side, pose_seed=pose_seed, scale=(0.72, 0.95))
        region = canvas[:, y0 : y0 + side, x0 : x0 + side]
        region *= (F32(1) - drop_shadow(layer.soft, shadow_rng))[None]
        region += (layer.rgb - region) * layer.alpha[None]
        owner[y0 : y0 + side, x0 : x0 + side][layer.mask] = k
        full = np.zeros((size, size), dtype=bool)
        full[y0 : y0 + side, x0 : x0 + side] = layer.mask
        masks.append(full)
    lit, temp = light(size, stream(scene.seed, SCENE_LIGHT))
    lit *= grain((size, size), stream(scene.seed, SCENE_GRAIN))
    canvas *= lit[None]
    canvas *= temp[:, None, None]
    boxes = []
    for k, spec in enumerate(members):
        box = _visible_box(owner == k)
        if box is None:
            raise RuntimeError(f"scene {scene.item_id}: member {spec.item_id} ended up hidden; this is a layout bug")
        boxes.append((spec.item_id, box))
    return RenderedScene(to_image(canvas), tuple(boxes), tuple(masks))
