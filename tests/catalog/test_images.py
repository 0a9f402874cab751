"""Every way an image can be bad is refused with a problem naming the file and the fix; good ones are stored once."""

import hashlib
import time

import pytest
from PIL import Image, ImageFile

from engine.catalog.images import refuse_decompression_bombs, store_image
from engine.catalog.problems import RowError

from .conftest import make_image, png_header_only


def refuse(workspace, images_dir, raw_path, **limits) -> RowError:
    with pytest.raises(RowError) as caught:
        store_image(workspace, images_dir, raw_path, **limits)
    error = caught.value
    assert error.column == "image_path" and error.fix, error
    return error


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail the test if Pillow decodes pixel data."""
    calls = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: calls.append(self) or (_ for _ in ()).throw(
        RuntimeError("decoded")))
    return calls


def test_valid_image_is_stored_content_addressed(workspace, images_dir):
    stored = store_image(workspace, images_dir, "red.jpg")
    data = (images_dir / "red.jpg").read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    assert stored.sha256 == sha and (stored.width, stored.height) == (40, 30)
    assert stored.path == f"catalog/{sha[:2]}/{sha}.jpg"
    assert (workspace.root / stored.path).read_bytes() == data


def test_same_content_is_stored_once(workspace, images_dir):
    (images_dir / "copy.jpg").write_bytes((images_dir / "red.jpg").read_bytes())
    first = store_image(workspace, images_dir, "red.jpg")
    second = store_image(workspace, images_dir, "copy.jpg")
    assert first.path == second.path
    assert len(list(workspace.catalog_dir.rglob("*.jpg"))) == 1


def test_stored_file_is_a_copy_that_later_edits_do_not_change(workspace, images_dir):
    original = (images_dir / "blue.png").read_bytes()
    stored = store_image(workspace, images_dir, "blue.png")
    target = workspace.root / stored.path
    assert target.read_bytes() == original
    with open(images_dir / "blue.png", "r+b") as handle:  # an in-place edit of the user's file
        handle.write(b"\x00\x00\x00\x00")
    assert target.read_bytes() == original
    assert list(target.parent.iterdir()) == [target]  # no partial file left behind


def test_subfolder_and_absolute_path_inside_are_fine(workspace, images_dir):
    assert store_image(workspace, images_dir, "shoes/black.jpg").width == 24
    assert store_image(workspace, images_dir, str(images_dir / "red.jpg")).width == 40


def test_corrupt_bytes(workspace, images_dir):
    data = bytearray((images_dir / "blue.png").read_bytes())
    data[60:80] = b"\xff" * 20  # inside the IDAT chunk
    (images_dir / "corrupt.png").write_bytes(bytes(data))
    error = refuse(workspace, images_dir, "corrupt.png")
    assert "corrupt.png" in error.problem and "corrupt" in error.problem


def test_random_bytes_with_an_image_extension(workspace, images_dir):
    (images_dir / "noise.jpg").write_bytes(bytes(range(256)) * 4)
    assert "not an image" in refuse(workspace, images_dir, "noise.jpg").problem


def test_zero_byte_image(workspace, images_dir):
    (images_dir / "empty.jpg").write_bytes(b"")
    assert "0 bytes" in refuse(workspace, images_dir, "empty.jpg").problem


@pytest.mark.parametrize("name, fmt", [("big.jpg", "JPEG"), ("big.png", "PNG")])
def test_truncated_image(workspace, images_dir, name, fmt):
    full = make_image(images_dir / name, fmt, size=(200, 200), color=(1, 2, 3))
    Image.effect_noise((200, 200), 64).convert("RGB").save(full, format=fmt)  # noise: many bytes of pixel data
    data = full.read_bytes()
    full.write_bytes(data[: len(data) // 2])
    error = refuse(workspace, images_dir, name)
    assert name in error.problem and "truncated" in error.problem


def test_text_file_named_jpg(workspace, images_dir):
    (images_dir / "notes.jpg").write_text("this is not a picture\n", encoding="utf-8")
    error = refuse(workspace, images_dir, "notes.jpg")
    assert "notes.jpg" in error.problem and "not an image" in error.problem


def test_unsupported_format(workspace, images_dir):
    make_image(images_dir / "pic.ppm", "PPM")
    assert "PPM" in refuse(workspace, images_dir, "pic.ppm").problem


def test_decompression_bomb_is_refused_without_decoding(workspace, images_dir, no_decoding):
    png_header_only(images_dir / "bomb.png", 60_000, 60_000)
    started = time.perf_counter()
    error = refuse(workspace, images_dir, "bomb.png")
    assert time.perf_counter() - started < 1.0
    assert "pixels" in error.problem and "without decoding" in error.problem
    assert not no_decoding
    assert Image.MAX_IMAGE_PIXELS == 89_478_485  # Pillow's global limit is left alone


def test_image_over_our_pixel_limit_is_refused_from_the_header(workspace, images_dir, no_decoding):
    # 8000 x 8000 = 64 Mpx: under Pillow's own bomb limit, over the default 40 Mpx.
    png_header_only(images_dir / "huge.png", 8000, 8000)
    error = refuse(workspace, images_dir, "huge.png")
    assert "8000x8000 = 64,000,000 pixels" in error.problem and "40,000,000" in error.problem
    assert not no_decoding


def test_max_pixels_option(workspace, images_dir):
    assert "1,200 pixels" in refuse(workspace, images_dir, "red.jpg", max_pixels=1000).problem


def test_file_over_byte_limit(workspace, images_dir):
    size = (images_dir / "red.jpg").stat().st_size
    assert "bytes, more than the limit of 100" in refuse(workspace, images_dir, "red.jpg", max_file_bytes=100).problem
    assert size > 100


@pytest.mark.parametrize("raw_path", ["../../etc/passwd", "../images/../../secret.jpg"])
def test_relative_path_escaping_the_folder(workspace, images_dir, raw_path):
    error = refuse(workspace, images_dir, raw_path)
    assert "outside the images folder" in error.problem


def test_absolute_path_outside_the_folder(workspace, images_dir, tmp_path):
    outside = make_image(tmp_path / "elsewhere" / "ok.png")
    error = refuse(workspace, images_dir, str(outside))
    assert "outside the images folder" in error.problem
    assert "/etc/passwd" in refuse(workspace, images_dir, "/etc/passwd").problem


def test_symlink_escaping_the_folder(workspace, images_dir, tmp_path):
    outside = make_image(tmp_path / "elsewhere" / "ok.png")
    (images_dir / "link.png").symlink_to(outside)
    (images_dir / "linked_dir").symlink_to(outside.parent, target_is_directory=True)
    assert "symbolic link" in refuse(workspace, images_dir, "link.png").problem
    assert "symbolic link" in refuse(workspace, images_dir, "linked_dir/ok.png").problem


def test_symlink_inside_the_folder_is_fine(workspace, images_dir):
    (images_dir / "alias.jpg").symlink_to(images_dir / "red.jpg")
    assert store_image(workspace, images_dir, "alias.jpg").width == 40


def test_missing_file_and_directory(workspace, images_dir):
    assert "does not exist" in refuse(workspace, images_dir, "nope.jpg").problem
    assert "not a regular file" in refuse(workspace, images_dir, "shoes").problem


def test_nfd_file_name_found_from_nfc_path(workspace, images_dir):
    make_image(images_dir / "cafe\u0301.png")  # decomposed on disk
    assert store_image(workspace, images_dir, "caf\u00e9.png").width == 8


def test_pillow_bomb_warning_refuses_inside_the_guard(workspace, images_dir, no_decoding):
    # 10000 x 10000 = 100 Mpx: over Pillow's warning limit (89.5 Mpx), under its error limit and under
    # the max_pixels asked for here, so only Pillow's warning, made an error by the guard, refuses it.
    png_header_only(images_dir / "warned.png", 10_000, 10_000)
    with refuse_decompression_bombs():
        error = refuse(workspace, images_dir, "warned.png", max_pixels=200_000_000)
    assert "too many pixels" in error.problem and "without decoding" in error.problem
    assert not no_decoding


def test_guard_restores_warning_filters():
    import warnings

    before = list(warnings.filters)
    with refuse_decompression_bombs():
        assert warnings.filters != before
    assert warnings.filters == before


def test_bytes_already_stored_are_not_decoded_again(workspace, images_dir, monkeypatch):
    calls = []
    real_load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: calls.append(1) or real_load(self))
    first = store_image(workspace, images_dir, "red.jpg")
    again = store_image(workspace, images_dir, "red.jpg")
    assert first == again and len(calls) == 1
    # The header limits still apply to known bytes.
    assert "pixels" in refuse(workspace, images_dir, "red.jpg", max_pixels=100).problem
