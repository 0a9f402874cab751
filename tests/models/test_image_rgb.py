"""Images of every mode a user may bring are embedded as they look."""

import numpy as np
import pytest
from PIL import Image

from engine.models.image_rgb import as_rgb


def pixel(im, xy=(0, 0)):
    return as_rgb(im).getpixel(xy)


@pytest.mark.parametrize("image, expected", [
    (Image.new("L", (4, 4), 128), (128, 128, 128)),
    (Image.new("CMYK", (4, 4), (0, 255, 255, 0)), (255, 0, 0)),
    (Image.new("RGBA", (4, 4), (10, 20, 30, 0)), (255, 255, 255)),  # fully transparent: the white it shows on
    (Image.new("RGBA", (4, 4), (10, 20, 30, 255)), (10, 20, 30)),
    (Image.new("LA", (4, 4), (0, 0)), (255, 255, 255)),
    (Image.fromarray(np.full((4, 4), 65535, dtype=np.uint16)), (255, 255, 255)),  # 16-bit white, not clipped noise
    (Image.fromarray(np.full((4, 4), 257 * 100, dtype=np.uint16)), (100, 100, 100)),
    (Image.new("RGB", (16, 16), (0, 128, 0)), (0, 128, 0)),
])
def test_every_mode_becomes_the_rgb_the_user_sees(image, expected):
    assert as_rgb(image).mode == "RGB"
    assert pixel(image) == expected


def test_a_palette_image_with_a_transparent_index_is_white_there():
    im = Image.new("P", (2, 1))
    im.putpalette([200, 0, 0, 0, 0, 200] + [0] * 762)
    im.putpixel((0, 0), 0)
    im.putpixel((1, 0), 1)
    im.info["transparency"] = 1
    assert pixel(im, (0, 0)) == (200, 0, 0) and pixel(im, (1, 0)) == (255, 255, 255)


def test_exif_rotation_is_applied(tmp_path):
    im = Image.new("RGB", (16, 8), (0, 0, 0))
    im.paste((255, 0, 0), (8, 0, 16, 4))  # red top-right quarter of a landscape image
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the viewer rotates 90 degrees clockwise
    im.save(tmp_path / "rotated.jpg", exif=exif, quality=100)
    shown = as_rgb(tmp_path / "rotated.jpg")
    assert shown.size == (8, 16)  # portrait, as a viewer shows it
    r, g, b = shown.getpixel((6, 12))  # the top-right quarter lands at the bottom right
    assert r > 150 and g < 100 and b < 100


def test_an_unreadable_file_is_named(tmp_path):
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"not a png")
    with pytest.raises(ValueError, match="cannot read image .*broken.png"):
        as_rgb(bad)
