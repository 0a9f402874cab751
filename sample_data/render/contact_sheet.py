"""A contact sheet of rendered products and scenes, for looking at what the renderer draws.

    python -m sample_data.render.contact_sheet OUT.png [--tile 128] [--downscale 96] [--sampled]
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from PIL import Image, ImageDraw

from sample_data.render.compose import render_product
from sample_data.render.patterns import PATTERNS
from sample_data.render.materials import MATERIALS
from sample_data.render.scenes import render_scene
from sample_data.render.silhouettes import SILHOUETTES
from sample_data.spec import ACCENT_COLORS, ProductSpec, item_seed, sample_products, sample_scenes
from sample_data.vocabulary import load_vocabulary

CAPTION = 12
BOX_COLORS = ((230, 30, 30), (20, 160, 60), (30, 80, 230), (230, 150, 0))


def grid_specs(per_row: int = 8, seed: int = 0) -> list[list[ProductSpec]]:
    """One row per category; columns walk through colours, patterns and materials."""
    colors = load_vocabulary().family("color").names
    patterns, materials = list(PATTERNS), list(MATERIALS)
    rows = []
    for r, category in enumerate(SILHOUETTES):
        row = []
        for c in range(per_row):
            color = colors[(r * 5 + c) % len(colors)]
            pattern = patterns[c % len(patterns)]
            material = "denim" if category == "jeans" else materials[(c + r) % len(materials)]
            accents = [a for a in ACCENT_COLORS if a != color]
            accent = None if pattern == "solid" else accents[(r + c) % len(accents)]
            row.append(ProductSpec(f"g{r:02d}{c:02d}", item_seed(seed, r * per_row + c, stream=9), category,
                                   material, pattern, color, "summer", "casual", "classic", accent))
        rows.append(row)
    return rows


def sampled_specs(per_row: int = 8, rows: int = 16, seed: int = 0) -> list[list[ProductSpec]]:
    """Specs as the catalog draws them (skewed and correlated), in rows."""
    specs = sample_products(per_row * rows, seed)
    return [specs[i : i + per_row] for i in range(0, len(specs), per_row)]


def _tile(image: Image.Image, tile: int, downscale: int | None) -> Image.Image:
    if downscale:  # what a small vision model sees, blown back up so a person can look at it
        image = image.resize((downscale, downscale), Image.BILINEAR).resize((tile, tile), Image.NEAREST)
    return image.resize((tile, tile), Image.LANCZOS)


def _caption(spec: ProductSpec, with_category: bool) -> str:
    accent = f"/{spec.accent_color}" if spec.accent_color else ""
    text = f"{spec.color}{accent} {spec.pattern} {spec.material}"
    return f"{spec.category}: {text}" if with_category else text


def scene_images(n: int, seed: int, tile: int, downscale: int | None = None) -> list[Image.Image]:
    """`n` scenes from a sampled catalog, with each member's box drawn on."""
    products = sample_products(120, seed)
    by_id = {p.item_id: p for p in products}
    out = []
    for scene in sample_scenes(products, n, seed):
        rendered = render_scene(scene, by_id)
        image = _tile(rendered.image, rendered.image.width, downscale)
        draw = ImageDraw.Draw(image)
        for k, (item_id, box) in enumerate(rendered.boxes):
            draw.rectangle((box[0], box[1], box[2] - 1, box[3] - 1), outline=BOX_COLORS[k % 4], width=2)
            draw.text((box[0] + 3, box[1] + 2), by_id[item_id].category, fill=BOX_COLORS[k % 4])
        out.append(image.resize((tile, tile), Image.LANCZOS))
    return out


def contact_sheet(rows: list[list[ProductSpec]], tile: int = 128, downscale: int | None = None,
                  n_scenes: int = 4, seed: int = 0) -> Image.Image:
    """Products in `rows` (captioned) above a row of scenes twice the tile size."""
    if tile < 32:
        raise ValueError(f"tile must be at least 32 px, got {tile}")
    if not rows or not all(rows):
        raise ValueError("rows must be a non-empty list of non-empty lists of ProductSpec")
    per_row = max(len(r) for r in rows)
    scenes = scene_images(n_scenes, seed, tile * 2, downscale) if n_scenes else []
    scene_h = tile * 2 if scenes else 0
    sheet = Image.new("RGB", (max(per_row * tile, len(scenes) * tile * 2), len(rows) * (tile + CAPTION) + scene_h),
                      "white")
    draw = ImageDraw.Draw(sheet)
    for r, row in enumerate(rows):
        y = r * (tile + CAPTION)
        one_category = len({s.category for s in row}) == 1
        if one_category:
            draw.text((2, y), row[0].category, fill=(0, 0, 0))
        for c, spec in enumerate(row):
            sheet.paste(_tile(render_product(spec).image, tile, downscale), (c * tile, y + CAPTION))
            x = c * tile + (60 if one_category else 2)
            draw.text((x, y), _caption(spec, not one_category)[: tile // 6], fill=(90, 90, 90))
    for k, image in enumerate(scenes):
        sheet.paste(image, (k * tile * 2, len(rows) * (tile + CAPTION)))
    return sheet


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="PNG path to write")
    parser.add_argument("--tile", type=int, default=128, help="tile side in px (default 128)")
    parser.add_argument("--downscale", type=int, default=None, help="show images as seen at this resolution, e.g. 96")
    parser.add_argument("--sampled", action="store_true", help="catalog-like random specs instead of the category grid")
    parser.add_argument("--per-row", type=int, default=8, help="products per row (default 8)")
    parser.add_argument("--scenes", type=int, default=4, help="scenes in the bottom row (default 4)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rows = sampled_specs(args.per_row, 16, args.seed) if args.sampled else grid_specs(args.per_row, args.seed)
    contact_sheet(rows, args.tile, args.downscale, args.scenes, args.seed).save(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
