"""Shared pieces of the hardening tests: run the CLI in-process, craft files, fingerprint saved state."""

from __future__ import annotations

import hashlib
import io
import os
import struct
import zlib
from pathlib import Path

from workbench.cli import main


def cli(capsys, *argv) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `workbench ARGV`, argparse's own exits included."""
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height pixels but holds one row of data: cheap to make, a bomb to decode."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grayscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * (width + 1)))
            + chunk(b"IEND", b""))


def small_png(color: str = "red", size: tuple[int, int] = (4, 4)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def tree_fingerprint(root: Path) -> dict[str, str]:
    """relative path -> sha256 of every file under root (what "nothing saved changed" compares)."""
    found = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = Path(folder) / name
            found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found
