"""A product shot: silhouette x pattern x material x colour, posed on a studio background."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image, ImageFilter

from sample_data.render import silhouettes as sil
from sample_data.render.materials import smooth_noise, texture
from sample_data.render.patterns import REF_PX, accent_weight
from sample_data.spec import ProductSpec
from sample_data.vocabulary import load_vocabulary

F32 = np.float32
MIN_SIZE = 32
# Weaves are sized in pixels of a product shot of this size, whatever the object's scale.
TEXTURE_CANVAS = 256
# Independent random streams per aspect, so that e.g. a new pose never changes the pattern.
SHAPE, POSE, PATTERN, MATERIAL, LIGHT, BACKGROUND, GRAIN = range(1, 8)
# Dark colours get texture too: luminance scales (colour + lift), not the colour alone; the
# lift is large for black and navy, small for light colours (whose texture shows anyway).
LIFT_DARK, LIFT_LIGHT, LIFT_KNEE = 60.0, 10.0, 90.0

# How each silhouette part is coloured: a luminance factor on the fabric colour, or a fixed
# colour for parts that are not fabric (soles, hardware). Index = part id.
PART_LUM = np.ones(11, dtype=F32)
PART_LUM[[sil.FOLD, sil.RIB, sil.LINING, sil.SEAM, sil.STITCH, sil.BUTTON]] = [0.88, 0.9, 0.6, 0.72, 1.3, 0.6]
FIXED_RGB = {sil.SOLE: (236, 233, 226), sil.DARK: (38, 34, 32), sil.METAL: (196, 164, 92)}


@dataclass(frozen=True)
class RenderedProduct:
    """A product image and the pixels of the product in it."""

    image: Image.Image  # RGB, size x size
    mask: np.ndarray  # (size, size) bool, True on the product


@dataclass(frozen=True)
class Layer:
    """A posed, coloured product without a background, for compositing."""

    rgb: np.ndarray  # (3, size, size) float32, channel first (broadcasts fast); meaningful where alpha > 0
    alpha: np.ndarray  # (size, size) float32 coverage in [0, 1]
    soft: np.ndarray  # (size, size) float32, alpha blurred: edge shading and the drop shadow

    @property
    def mask(self) -> np.ndarray:
        return self.alpha >= 0.5


def stream(seed: int, which: int) -> np.random.Generator:
    """The random stream `which` of an item; the same (seed, which) always gives the same draws."""
    return np.random.default_rng([int(seed), which])


@lru_cache(maxsize=None)
def palette() -> dict[str, tuple[int, int, int]]:
    """Colour name -> RGB, from the vocabulary."""
    return {v.name: v.rgb for v in load_vocabulary().family("color").values}


def color_rgb(name: str | None, role: str = "color") -> np.ndarray:
    rgb = palette().get(name)  # type: ignore[arg-type]
    if rgb is None:
        raise ValueError(f"unknown {role} {name!r}; known colours are {', '.join(palette())}")
    return np.asarray(rgb, dtype=F32)


def luminance(rgb: np.ndarray) -> float:
    """Rec. 601 luma of one RGB colour, 0-255."""
    return float(np.asarray(rgb, dtype=float) @ np.array([0.299, 0.587, 0.114]))


def blur(alpha: np.ndarray, radius: float) -> np.ndarray:
    """Gaussian blur of a [0, 1] field (through PIL, which is fast for uint8 images)."""
    img = Image.fromarray((alpha * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(radius))
    return np.asarray(img, dtype=F32) * F32(1 / 255)


def render_layer(spec: ProductSpec, size: int, pose_seed: int | None = None,
                 scale: tuple[float, float] = (0.55, 0.9), max_angle: float = 20.0) -> Layer:
    """The product of `spec` posed on a transparent `size` x `size` canvas."""
    main = color_rgb(spec.color)
    if spec.pattern != "solid" and spec.accent_color is None:
        raise ValueError(f"{spec.item_id}: pattern {spec.pattern!r} needs an accent_color, got None")
    accent = None if spec.pattern == "solid" else color_rgb(spec.accent_color, "accent_color")
    shapes = sil.silhouette(spec.category, stream(spec.seed, SHAPE))
    pose = sil.fit_pose(shapes, size, stream(spec.seed if pose_seed is None else pose_seed, POSE), scale, max_angle)
    parts, alpha = sil.draw_parts(shapes, pose)
    u, v = pose.unit_coords()
    tx, ty = u * F32(REF_PX), v * F32(REF_PX)

    present = {sh.part for sh in shapes}
    fixed_parts = [p for p in FIXED_RGB if p in present]
    fabric = alpha >= 0.5
    for part in fixed_parts:
        fabric &= parts != part
    w = accent_weight(spec.pattern, tx, ty, fabric, stream(spec.seed, PATTERN))
    tex = texture(spec.material, u, v, pose.scale * TEXTURE_CANVAS, stream(spec.seed, MATERIAL))
    # Edges roll away from the light; the top of the object faces it a little more.
    soft = blur(alpha, max(1.0, 0.022 * pose.scale * size))
    shade = (F32(0.85) + F32(0.15) * np.sqrt(np.clip(soft * 2 - 1, 0, 1))) * (F32(1.04) - F32(0.08) * v)

    # colour = (fabric + lift) * lum - lift, then a specular share s pulls it to white:
    # colour * (1 - s) + 255 s  ==  (fabric + lift) * gain + offset, with 2-D gain and offset.
    lift = F32(np.clip(LIFT_KNEE - luminance(main), LIFT_LIGHT, LIFT_DARK))
    gain = np.take(PART_LUM, parts) * tex.lum * shade
    offset = -lift
    if tex.spec is not None:
        s = tex.spec * shade
        gain *= F32(1) - s
        offset = F32(255) * s - lift * (F32(1) - s)
    rgb = (main + lift)[:, None, None] * gain[None]
    if w is not None:
        rgb += (accent - main)[:, None, None] * (w * gain)[None]
    rgb += offset
    for part in fixed_parts:
        where = parts == part
        rgb[:, where] = np.asarray(FIXED_RGB[part], dtype=F32)[:, None] * shade[where][None]
    return Layer(rgb, alpha, soft)


def drop_shadow(soft: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A soft shadow under the object, offset down and to one side, as a darkening share in [0, 1]."""
    h, w = soft.shape
    dx, dy = int(round(w * rng.uniform(-0.02, 0.02))), int(round(h * rng.uniform(0.01, 0.03)))
    out = np.zeros_like(soft)
    out[max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)] = soft[max(-dy, 0) : h - max(dy, 0),
                                                                        max(-dx, 0) : w - max(dx, 0)]
    return out * F32(rng.uniform(0.18, 0.3))


def studio_background(size: int, garment_rgb: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A light neutral backdrop, never close in brightness to the garment: (2-D level field, RGB of level 1)."""
    y = luminance(garment_rgb)
    # a grey level from [188, 248] minus a window around the garment's brightness
    lo, hi = y - 34, y + 30
    spans = [(a, b) for a, b in ((188.0, min(lo, 248.0)), (max(hi, 188.0), 248.0)) if b > a]
    lengths = np.array([b - a for a, b in spans])
    a, b = spans[int(rng.choice(len(spans), p=lengths / lengths.sum()))]
    level = rng.uniform(a, b)
    t = rng.uniform(-4, 4) / level  # warm or cool, a little
    color = np.array([1 + t, 1, 1 - t], dtype=F32)
    coords = (np.arange(size, dtype=F32) + F32(0.5)) * F32(1 / size) - F32(0.5)
    if rng.random() < 0.5:  # a sweep: darker towards the top or bottom
        field = F32(1) + F32(rng.uniform(-0.07, 0.07)) * coords[:, None] * F32(2) + np.zeros((1, size), F32)
    else:  # a spot: lit in the middle, falling off to the corners
        r2 = coords[:, None] ** 2 + coords[None, :] ** 2
        field = F32(1.02) - F32(rng.uniform(0.05, 0.14)) * r2 * F32(2)
    field = field + F32(0.012) * smooth_noise(rng, size, 6)
    return F32(level) * field, color


def light(size: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Modest exposure, a gentle gradient and colour temperature: (2-D gain, RGB factors).

    Enough to vary the shots, not enough to turn navy into black or white into beige.
    """
    gain = rng.uniform(0.94, 1.05)
    a = rng.uniform(0, 2 * np.pi)
    amp = rng.uniform(0.0, 0.06)
    coords = (np.arange(size, dtype=F32) + F32(0.5)) * F32(2 / size) - F32(1)
    field = F32(gain) * (F32(1) + F32(amp * np.cos(a)) * coords[None, :] + F32(amp * np.sin(a)) * coords[:, None])
    t = rng.uniform(-0.02, 0.02)
    return field, np.array([1 + t, 1, 1 - t], dtype=F32)


def grain(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Multiplicative sensor grain, about +-1%."""
    return F32(1) + (rng.random(shape, dtype=F32) - F32(0.5)) * F32(0.022)


def to_image(rgb: np.ndarray) -> Image.Image:
    """A (3, h, w) float array -> RGB image."""
    u8 = np.clip(rgb, 0, 255, out=rgb).astype(np.uint8)
    return Image.merge("RGB", [Image.fromarray(c) for c in u8])


def render_product(spec: ProductSpec, size: int = 256) -> RenderedProduct:
    """The catalog image of `spec`: deterministic in spec.seed, `size` x `size` RGB."""
    if not isinstance(size, int) or size < MIN_SIZE:
        raise ValueError(f"size must be an int of at least {MIN_SIZE} px, got {size!r}")
    layer = render_layer(spec, size)
    bg_rng = stream(spec.seed, BACKGROUND)
    bg_level, bg_color = studio_background(size, color_rgb(spec.color), bg_rng)
    lit, temp = light(size, stream(spec.seed, LIGHT))
    lit *= grain((size, size), stream(spec.seed, GRAIN))
    fg = layer.alpha * lit
    bg = bg_level * (F32(1) - drop_shadow(layer.soft, bg_rng)) * (F32(1) - layer.alpha) * lit
    image = layer.rgb * fg[None]
    image *= temp[:, None, None]
    image += (bg_color * temp)[:, None, None] * bg[None]
    return RenderedProduct(to_image(image), layer.mask)
