"""The catalog photo of one home-goods item: its silhouette in its colour and material on a studio backdrop."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

from sample_data.home.shapes import draw_silhouette
from sample_data.home.spec import HomeSpec
from sample_data.home.textures import F32, material_look
from sample_data.home.vocabulary import load_home_vocabulary
from sample_data.vocabulary import Vocabulary

IMAGE_SIZE = 256
MIN_SIZE = 64
SHAPE_STREAM, LOOK_STREAM, LIGHT_STREAM = 31, 32, 33


@dataclass(frozen=True)
class RenderedItem:
    image: Image.Image
    mask: np.ndarray  # (size, size) float32 coverage of the object, 0..1


def _stream(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, stream])


def _backdrop(size: int, rng: np.random.Generator) -> np.ndarray:
    """A light neutral sweep, a touch warm or cool, darker towards the floor: (3, size, size)."""
    level = rng.uniform(205, 225)
    tint = np.array([1 + rng.uniform(-0.02, 0.02), 1.0, 1 + rng.uniform(-0.02, 0.02)], dtype=F32)
    ramp = np.linspace(1.03, 0.93, size, dtype=F32)[:, None] * np.ones((1, size), dtype=F32)
    return tint[:, None, None] * (F32(level) * ramp)[None]


def _floor_shadow(mask: np.ndarray) -> np.ndarray:
    """A soft contact shadow below the object, 0..1."""
    size = mask.shape[0]
    shifted = np.zeros_like(mask)
    shift = max(1, size // 40)
    shifted[shift:, shift:] = mask[:-shift, :-shift]
    blurred = Image.fromarray((shifted * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(size / 40))
    return np.asarray(blurred, dtype=F32) / 255 * F32(0.35)


def render_home_item(spec: HomeSpec, size: int = IMAGE_SIZE, vocab: Vocabulary | None = None) -> RenderedItem:
    """The catalog image of `spec`: deterministic in spec.seed, `size` x `size` RGB."""
    if not isinstance(size, int) or size < MIN_SIZE:
        raise ValueError(f"size must be an int of at least {MIN_SIZE} px, got {size!r}")
    vocab = vocab or load_home_vocabulary()
    rgb = np.array(vocab.families["color"].value(spec.color).rgb, dtype=F32)
    silhouette = draw_silhouette(spec.category, size, _stream(spec.seed, SHAPE_STREAM))
    look = material_look(spec.material, silhouette.mask, _stream(spec.seed, LOOK_STREAM), silhouette.shade)
    light_rng = _stream(spec.seed, LIGHT_STREAM)
    obj = rgb[:, None, None] * look.lum[None]
    if look.spec is not None:
        obj += (F32(255) - obj) * np.clip(look.spec, 0, 1)[None]
    background = _backdrop(size, light_rng) * (F32(1) - _floor_shadow(silhouette.mask))[None]
    alpha = (silhouette.mask * F32(look.opacity))[None]
    image = obj * alpha + background * (F32(1) - alpha)
    image *= F32(1) + (light_rng.random((size, size), dtype=F32) - F32(0.5)) * F32(0.02)  # sensor grain
    u8 = np.clip(image, 0, 255).astype(np.uint8)
    return RenderedItem(Image.merge("RGB", [Image.fromarray(c) for c in u8]), silhouette.mask)
