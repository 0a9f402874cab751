"""Check one catalog image without trusting it, and store it content-addressed in the workspace."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import threading
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from engine.catalog.problems import RowError
from engine.workspace import Workspace

# Pillow format name -> the extension the stored copy gets.
FORMAT_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif", "BMP": "bmp", "TIFF": "tif"}
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_FILE_BYTES = 50 * 2**20


@dataclass(frozen=True)
class StoredImage:
    """A valid image, copied into the workspace."""

    path: str  # relative to the workspace root, POSIX: catalog/ab/ab12….jpg
    sha256: str
    width: int
    height: int


def locate_image(images_dir: Path, raw_path: str, column: str = "image_path") -> Path:
    """The resolved file a metadata path names, refused unless it lies inside images_dir (symlinks followed)."""
    if "\x00" in raw_path:
        raise RowError(column, f"the image path {raw_path!r} contains a NUL character", "remove it from the path")
    root = os.path.realpath(images_dir)  # os.path, not pathlib: this runs once per row and pathlib is slower
    # A file name on disk may be in another Unicode normal form than the metadata (macOS writes NFD).
    candidates = dict.fromkeys([raw_path, *(unicodedata.normalize(form, raw_path) for form in ("NFC", "NFD"))])
    first_inside = None
    for candidate in candidates:
        joined = os.path.join(root, candidate)  # an absolute candidate replaces root, and is checked like any other
        resolved = os.path.realpath(joined)
        if not _inside(resolved, root):
            how = "is a symbolic link that points to" if _inside(os.path.normpath(joined), root) else "resolves to"
            raise RowError(column, f"the image path {raw_path!r} {how} {resolved}, outside the images folder {root}",
                           "put the image inside the --images folder and give its path relative to that folder")
        if os.path.lexists(resolved):
            return Path(resolved)
        first_inside = first_inside or resolved
    raise RowError(column, f"the image {first_inside} (from {raw_path!r}) does not exist",
                   f"check the path, relative to the images folder {root}, and the file name's letter case")


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def read_image_bytes(path: Path, max_file_bytes: int, column: str = "image_path") -> bytes:
    """The file's bytes, once it is known to be a regular, non-empty file of an acceptable size."""
    try:
        return _read_regular_file(path, max_file_bytes, column)
    except OSError as error:
        raise RowError(column, f"the image {path} cannot be read ({type(error).__name__}: {error.strerror or error})",
                       "make the file readable by the user running the ingest") from None


def _read_regular_file(path: Path, max_file_bytes: int, column: str) -> bytes:
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        # Never open a FIFO or device: reading it could hang or never end.
        raise RowError(column, f"the image {path} is not a regular file", "point image_path at an image file")
    if info.st_size == 0:
        raise RowError(column, f"the image {path} is empty (0 bytes)", "export the image again")
    if info.st_size > max_file_bytes:
        raise RowError(column, f"the image {path} has {info.st_size:,} bytes, more than the limit of {max_file_bytes:,}",
                       "shrink or re-encode the image, or raise max_file_bytes")
    with open(path, "rb") as handle:
        data = handle.read(max_file_bytes + 1)  # the file may have grown since stat
    if len(data) > max_file_bytes:
        raise RowError(column, f"the image {path} grew past the limit of {max_file_bytes:,} bytes while being read",
                       "ingest again once the file stops changing")
    return data


def decode_image(
    path: Path, data: bytes, max_pixels: int, column: str = "image_path", *, full: bool = True
) -> tuple[str, int, int]:
    """(Pillow format, width, height) after a full decode (full=False: header only); limits checked on the header first.

    Pillow's own bomb check runs inside Image.open: above twice Image.MAX_IMAGE_PIXELS it raises, above once
    it warns, which refuses the image too inside `refuse_decompression_bombs()`. Our max_pixels is checked next.
    """
    fix_pixels = f"resize the image to at most {max_pixels:,} pixels (width x height), or raise max_pixels"
    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header only
            fmt, (width, height) = image.format, image.size
            if fmt not in FORMAT_EXTENSIONS:
                raise RowError(column, f"the image {path} is {fmt}, which is not supported",
                               f"convert it to one of {', '.join(FORMAT_EXTENSIONS)}")
            if width * height > max_pixels:
                raise RowError(column, f"the image {path} is {width}x{height} = {width * height:,} pixels, "
                               f"more than the limit of {max_pixels:,}; refused without decoding", fix_pixels)
            if full:
                image.load()  # a full decode: truncated or corrupt data fails here, not later in the app
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise RowError(column, f"the image {path} claims too many pixels, more than the limit of {max_pixels:,}; "
                       f"refused without decoding (Pillow: {error})", fix_pixels) from None
    except UnidentifiedImageError:
        raise RowError(column, f"the file {path} is not an image Pillow can read",
                       f"check that it is really an image; supported: {', '.join(FORMAT_EXTENSIONS)}") from None
    except RowError:
        raise
    except Exception as error:  # Pillow's decoders raise OSError, SyntaxError, ValueError, struct.error…
        raise RowError(column, f"the image {path} is corrupt or truncated (Pillow: {type(error).__name__}: {error})",
                       "export or download the image again") from None
    return fmt, width, height


def store_image(
    workspace: Workspace,
    images_dir: Path,
    raw_path: str,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    column: str = "image_path",
) -> StoredImage:
    """Validate the image a metadata row names and store it as catalog/<sha[:2]>/<sha>.<ext>; or raise RowError."""
    source = locate_image(images_dir, raw_path, column)
    data = read_image_bytes(source, max_file_bytes, column)
    sha256 = hashlib.sha256(data).hexdigest()
    relative_stem = f"{workspace.catalog_dir.name}/{sha256[:2]}/{sha256}"
    stem = os.path.join(workspace.root, relative_stem)  # strings, not pathlib: this runs once per row
    # Bytes already stored were fully decoded then; re-ingests skip that, but still check the header and limits.
    verified = any(os.path.exists(f"{stem}.{extension}") for extension in FORMAT_EXTENSIONS.values())
    fmt, width, height = decode_image(source, data, max_pixels, column, full=not verified)
    extension = FORMAT_EXTENSIONS[fmt]
    if not verified or not os.path.exists(f"{stem}.{extension}"):
        _place(data, f"{stem}.{extension}")
    return StoredImage(path=f"{relative_stem}.{extension}", sha256=sha256, width=width, height=height)


def _place(data: bytes, target: str) -> None:
    """Write the verified bytes (never link the source: a later in-place edit would change the stored copy)."""
    if os.path.exists(target):
        return  # the same content, stored by another row or process
    os.makedirs(os.path.dirname(target), exist_ok=True)
    # Write aside and rename, so a crash never leaves a half-written file under its final name.
    partial = f"{target}.{os.getpid()}.{threading.get_ident()}.partial"
    with open(partial, "wb") as handle:
        handle.write(data)
    os.replace(partial, target)


class refuse_decompression_bombs(warnings.catch_warnings):
    """While active, Pillow's DecompressionBombWarning is raised, so decode_image refuses instead of decoding.

    warnings filters are process-wide: enter this once in the main thread around all image work
    (worker threads included), never per image in a worker thread.
    """

    def __enter__(self):
        result = super().__enter__()
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        return result


# ---- query images: the same limits where an image enters a search (search --image, the Explore upload) ----

class QueryImageError(ValueError):
    """A query image that is refused: unreadable, too large, too many pixels, not an image."""


def check_image_bytes(data: bytes, name: str, *, max_pixels: int = DEFAULT_MAX_PIXELS,
                      max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> tuple[str, int, int]:
    """(format, width, height) of image bytes within the ingest's limits (header only), or a QueryImageError."""
    if not data:
        raise QueryImageError(f"the image {name} is empty (0 bytes); give a non-empty image file")
    if len(data) > max_file_bytes:
        raise QueryImageError(f"the image {name} has {len(data):,} bytes, more than the limit of {max_file_bytes:,}; "
                              "shrink or re-encode it")
    try:
        return decode_image(Path(name), data, max_pixels, full=False)
    except RowError as error:
        raise QueryImageError(f"{error.problem}; {error.fix}") from None


def open_query_image(path: str | os.PathLike, *, max_pixels: int = DEFAULT_MAX_PIXELS,
                     max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> Image.Image:
    """The image file as RGB, refused (QueryImageError) past the ingest's file-size and pixel limits."""
    path = Path(path)
    if not os.path.lexists(path):
        raise QueryImageError(f"the reference image {path} does not exist; check the path")
    try:
        data = read_image_bytes(path, max_file_bytes, column="image")
    except RowError as error:
        raise QueryImageError(f"{error.problem}; {error.fix}") from None
    check_image_bytes(data, str(path), max_pixels=max_pixels, max_file_bytes=max_file_bytes)
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.convert("RGB")
    except Exception as error:  # Pillow's decoders raise OSError, SyntaxError, ValueError, struct.error…
        raise QueryImageError(f"the image {path} is corrupt or truncated (Pillow: {type(error).__name__}: {error}); "
                              "export or download it again") from None
