"""Any image a user can open, as the RGB picture they see: EXIF rotation applied, transparency on white,
16-bit and float images scaled to 8 bits."""

from __future__ import annotations

from pathlib import Path


def as_rgb(image):
    """An RGB PIL image from a path or a PIL image of any mode; errors name an unreadable file."""
    from PIL import Image

    if isinstance(image, (str, Path)):
        try:
            with Image.open(image) as im:
                im.load()
                return to_rgb(im)
        except (OSError, Image.DecompressionBombError) as exc:
            raise ValueError(f"cannot read image {image}: {exc}") from None
    return to_rgb(image)


def to_rgb(im):
    """`im` as a viewer shows it, in RGB."""
    import numpy as np
    from PIL import Image, ImageOps

    im = ImageOps.exif_transpose(im)
    if im.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        # PIL's own convert clips these at 255; scale the image's range to 0..255 instead (16-bit: /257).
        a = np.asarray(im, dtype=np.float64)
        peak = 65535.0 if im.mode.startswith("I;16") or a.max() > 255 else 255.0
        im = Image.fromarray(np.clip(a / peak * 255.0 + 0.5, 0, 255).astype(np.uint8), "L")
    if im.mode == "P" and "transparency" in im.info:
        im = im.convert("RGBA")
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        background = Image.new("RGBA", im.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, im.convert("RGBA")).convert("RGB")
    return im.convert("RGB")
