"""The renderer draws what the spec says: deterministic, the right colour, pattern, shape and texture."""

from __future__ import annotations

import hashlib
import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sample_data.render import RenderedProduct, RenderedScene, render_product, render_scene
from sample_data.render.contact_sheet import main as contact_sheet_main
from sample_data.render.materials import MATERIALS, texture
from sample_data.render.patterns import PATTERNS, REF_PX, accent_weight
from sample_data.render.silhouettes import SILHOUETTES, Pose, draw_parts, silhouette
from sample_data.spec import ACCENT_COLORS, ProductSpec, SceneSpec, sample_products, sample_scenes
from sample_data.vocabulary import load_vocabulary

VOCAB = load_vocabulary()
COLORS = VOCAB.family("color").names
CATEGORIES = VOCAB.family("category").names
PALETTE = np.array([VOCAB.family("color").value(c).rgb for c in COLORS], dtype=float)
REPO = Path(__file__).resolve().parents[2]


def spec(i: int, category="dress", color="red", pattern="solid", material="cotton", accent=None) -> ProductSpec:
    if pattern != "solid" and accent is None:
        accent = next(a for a in ACCENT_COLORS if a != color)
    return ProductSpec(f"t{i:05d}", 10_000 + i, category, material, pattern, color, "summer", "casual", "classic",
                       accent if pattern != "solid" else None)


def lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB (0-255) -> CIE Lab (D65), the textbook formulas."""
    c = np.asarray(rgb, dtype=float) / 255
    c = np.where(c > 0.04045, ((c + 0.055) / 1.055) ** 2.4, c / 12.92)
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = c @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


PALETTE_LAB = lab(PALETTE)


def nearest_color(rgb: np.ndarray) -> np.ndarray:
    """Index into COLORS of the palette colour nearest in Lab, per pixel."""
    return np.argmin(((lab(rgb)[..., None, :] - PALETTE_LAB) ** 2).sum(-1), axis=-1)


def pixels(rendered: RenderedProduct) -> np.ndarray:
    return np.asarray(rendered.image)[rendered.mask].astype(float)


# ---- determinism and format --------------------------------------------------------


def test_same_spec_gives_identical_bytes_whatever_was_rendered_before():
    a = spec(1, "jacket", "navy", "plaid", "linen")
    first = render_product(a).image.tobytes()
    render_product(spec(2, "hat", "pink", "floral", "satin"))
    assert render_product(a).image.tobytes() == first


def test_render_is_identical_in_another_process():
    a = spec(3, "boots", "brown", "polka dot", "leather")
    code = (
        "import hashlib; from sample_data.render import render_product; from sample_data.spec import ProductSpec\n"
        f"image = render_product(ProductSpec(*{tuple(a.__dict__.values())!r})).image\n"
        "print(hashlib.sha256(image.tobytes()).hexdigest())"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(REPO), "PYTHONHASHSEED": "123"})
    assert out.stdout.strip() == hashlib.sha256(render_product(a).image.tobytes()).hexdigest()


def test_a_different_seed_gives_a_different_image():
    a = spec(4)
    b = ProductSpec(**{**a.__dict__, "seed": a.seed + 1})
    assert render_product(a).image.tobytes() != render_product(b).image.tobytes()


def test_product_image_is_rgb_of_at_least_224_px_with_a_plausible_mask():
    for i, category in enumerate(CATEGORIES):
        r = render_product(spec(i, category))
        assert r.image.mode == "RGB" and r.image.size == (256, 256)
        assert r.mask.dtype == bool and r.mask.shape == (256, 256)
        assert 0.04 < r.mask.mean() < 0.8, category


# ---- colour, pattern, silhouette, material ---------------------------------------------


@pytest.mark.parametrize("color", COLORS)
def test_solid_colour_is_the_nearest_palette_colour_under_any_pose_light_and_material(color):
    materials = list(MATERIALS)
    for k in range(18):
        s = spec(100 * COLORS.index(color) + k, CATEGORIES[k % 16], color, "solid", materials[k % 6])
        median = np.median(pixels(render_product(s)), axis=0)
        assert COLORS[int(nearest_color(median))] == color, (s, median)


def test_main_colour_dominates_every_patterned_product():
    # Per pixel, nearest palette colour. Shading, sheen, seams, soles and the antialiased rim
    # also take pixels from the main colour, so the floor for a single image is lower than
    # the average; the geometric accent share itself is checked separately below.
    materials = list(MATERIALS)
    for pattern in [p for p in PATTERNS if p != "solid"]:
        shares = []
        for k in range(26):
            color = COLORS[k % 13]
            accent = [a for a in ACCENT_COLORS if a != color][k % 7]
            s = spec(3000 + 100 * list(PATTERNS).index(pattern) + k, CATEGORIES[(k * 3) % 16], color, pattern,
                     materials[k % 6], accent)
            counts = np.bincount(nearest_color(pixels(render_product(s))), minlength=len(COLORS))
            share = counts[COLORS.index(color)] / counts.sum()
            assert counts.argmax() == COLORS.index(color), (s, share)
            assert share >= 0.4, (s, share)
            shares.append(share)
        assert np.mean(shares) >= 0.55, (pattern, np.mean(shares))


@pytest.mark.parametrize("pattern", [p for p in PATTERNS if p != "solid"])
def test_pattern_puts_a_visible_minority_of_accent_on_the_garment(pattern):
    shapes = silhouette("dress", np.random.default_rng(0))
    pose = Pose(0.0, 0.8, 128, 128, 256)
    _, alpha = draw_parts(shapes, pose)
    inside = alpha >= 0.5
    u, v = pose.unit_coords()
    for seed in range(6):
        w = accent_weight(pattern, u * REF_PX, v * REF_PX, inside, np.random.default_rng(seed))
        share = w[inside].mean()
        assert 0.1 < share < 0.4, (pattern, seed, share)


def test_solid_has_no_accent():
    z = np.zeros((8, 8), dtype=np.float32)
    assert accent_weight("solid", z, z, z > 0, np.random.default_rng(0)) is None


def test_every_category_has_a_silhouette_and_no_two_are_alike():
    assert set(SILHOUETTES) == set(CATEGORIES)
    pose = Pose(0.0, 0.95, 64, 64, 128)
    masks = {c: draw_parts(silhouette(c, np.random.default_rng(0)), pose)[1] >= 0.5 for c in CATEGORIES}
    for a, b in itertools.combinations(CATEGORIES, 2):
        iou = (masks[a] & masks[b]).sum() / (masks[a] | masks[b]).sum()
        assert iou < 0.8, (a, b, iou)


def _texture_features(material: str, seed: int, size: int = 96) -> np.ndarray:
    """Fine contrast, coarse contrast, gradient energy and peak sheen of a texture patch."""
    rng = np.random.default_rng(seed)
    a = rng.uniform(0, np.pi)  # the garment may lie at any angle
    px_per_unit = 0.72 * 256  # a typical product on a 256 px canvas; the patch is part of it
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / np.float32(px_per_unit)
    u = (np.cos(a) * x - np.sin(a) * y).astype(np.float32)
    v = (np.sin(a) * x + np.cos(a) * y).astype(np.float32)
    t = texture(material, u, v, px_per_unit, rng)
    lum = t.lum + (0 if t.spec is None else t.spec)
    coarse = lum.reshape(size // 8, 8, size // 8, 8).mean(axis=(1, 3))
    fine = lum - np.repeat(np.repeat(coarse, 8, 0), 8, 1)
    grad = np.abs(np.diff(lum, axis=0)).mean() + np.abs(np.diff(lum, axis=1)).mean()
    return np.array([fine.std(), coarse.std(), grad, 0.0 if t.spec is None else t.spec.max()])


def test_materials_are_told_apart_by_simple_texture_statistics():
    materials = list(MATERIALS)
    feats = np.log(np.array([[_texture_features(m, s) for s in range(8)] for m in materials]) + 1e-3)
    mu, sd = feats.reshape(-1, 4).mean(0), feats.reshape(-1, 4).std(0)
    z = (feats - mu) / sd
    right = 0
    for m, s in itertools.product(range(len(materials)), range(8)):  # leave-one-out nearest centroid
        keep = np.arange(8) != s
        centroids = np.array([z[k][keep if k == m else slice(None)].mean(0) for k in range(len(materials))])
        right += int(np.argmin(((centroids - z[m, s]) ** 2).sum(1)) == m)
    assert right / z[..., 0].size >= 0.95


# ---- scenes ---------------------------------------------------------------------------------


def _scenes(n: int = 8) -> tuple[list[SceneSpec], dict[str, ProductSpec]]:
    products = sample_products(60, 21)
    return sample_scenes(products, n, 21), {p.item_id: p for p in products}


def test_scene_boxes_are_tight_inside_the_image_and_objects_barely_overlap():
    scenes, by_id = _scenes()
    for scene in scenes:
        r: RenderedScene = render_scene(scene, by_id)
        assert r.image.mode == "RGB" and r.image.size == (448, 448)
        assert [item for item, _ in r.boxes] == list(scene.members)
        for k, ((item, (x0, y0, x1, y1)), mask) in enumerate(zip(r.boxes, r.masks)):
            assert all(isinstance(v, int) for v in (x0, y0, x1, y1))
            assert 0 <= x0 < x1 <= 448 and 0 <= y0 < y1 <= 448, (item, (x0, y0, x1, y1))
            assert mask[y0:y1, x0:x1].sum() >= 0.9 * mask.sum(), item
            visible = mask & ~np.any(r.masks[k + 1 :], axis=0) if k + 1 < len(r.masks) else mask
            rows, cols = np.flatnonzero(visible.any(1)), np.flatnonzero(visible.any(0))
            assert (x0, y0, x1, y1) == (cols[0], rows[0], cols[-1] + 1, rows[-1] + 1), item  # tight
        for a, b in itertools.combinations(r.masks, 2):
            assert (a & b).sum() <= 0.05 * min(a.sum(), b.sum())


def test_scene_is_deterministic_and_draws_each_member_with_its_own_colour():
    scenes, by_id = _scenes(4)
    for scene in scenes:
        r = render_scene(scene, by_id)
        assert render_scene(scene, by_id).image.tobytes() == r.image.tobytes()
        image = np.asarray(r.image).astype(float)
        for item, mask in zip(scene.members, r.masks):
            p = by_id[item]
            if p.pattern == "solid":
                assert COLORS[int(nearest_color(np.median(image[mask], axis=0)))] == p.color, p


# ---- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [("category", "kimono"), ("color", "teal"), ("pattern", "paisley"), ("material", "tweed")],
)
def test_unknown_attribute_values_are_rejected_by_name(field, value):
    bad = ProductSpec(**{**spec(7, pattern="solid").__dict__, field: value})
    with pytest.raises(ValueError, match=value):
        render_product(bad)


def test_pattern_without_accent_and_bad_sizes_are_rejected():
    with pytest.raises(ValueError, match="accent_color"):
        render_product(ProductSpec(**{**spec(8, pattern="striped").__dict__, "accent_color": None}))
    with pytest.raises(ValueError, match="size"):
        render_product(spec(9), size=8)
    scenes, by_id = _scenes(1)
    with pytest.raises(ValueError, match="size"):
        render_scene(scenes[0], by_id, size=64)


def test_scene_with_missing_or_too_many_members_is_rejected():
    scenes, by_id = _scenes(1)
    scene = scenes[0]
    with pytest.raises(ValueError, match="p999999"):
        render_scene(SceneSpec(scene.item_id, scene.seed, scene.members[:1] + ("p999999",)), by_id)
    with pytest.raises(ValueError, match="2 to 4"):
        render_scene(SceneSpec(scene.item_id, scene.seed, scene.members[:1]), by_id)


def test_contact_sheet_cli_writes_a_png(tmp_path):
    out = tmp_path / "sheet.png"
    assert contact_sheet_main([str(out), "--tile", "64", "--per-row", "2", "--scenes", "1"]) == 0
    assert out.stat().st_size > 1000
