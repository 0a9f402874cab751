"""Tiny catalogs made in tmp_path: a few small images and metadata files written by hand."""

from __future__ import annotations

import csv
import json
import struct
import zlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from PIL import Image

from engine.catalog import ingest_catalog
from engine.index import open_items_table
from engine.workspace import Workspace

# name -> (format, size, colour): distinct pixels, so distinct sha256s.
IMAGES = {
    "red.jpg": ("JPEG", (40, 30), (200, 20, 20)),
    "blue.png": ("PNG", (30, 40), (20, 20, 200)),
    "green.webp": ("WEBP", (16, 16), (20, 200, 20)),
    "shoes/black.jpg": ("JPEG", (24, 24), (10, 10, 10)),
}

ROWS = [
    {"item_id": "a1", "image_path": "red.jpg", "title": "Red dress", "description": "A scarlet summer dress",
     "tags": "red|summer", "price": "19.99", "brand": "Acme", "kind": "product", "category": "dress"},
    {"item_id": "a2", "image_path": "blue.png", "title": "Blue jeans", "description": "Navy denim",
     "tags": '["blue", "denim"]', "price": "", "brand": "", "kind": "", "category": "jeans"},
    {"item_id": "a3", "image_path": "shoes/black.jpg", "title": "", "description": "Black boots",
     "tags": "", "price": "0", "brand": "Bootco", "kind": "scene", "category": "boots"},
]


def make_image(path: Path, fmt: str = "PNG", size=(8, 8), color=(128, 64, 32)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path, format=fmt)
    return path


def png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG whose header claims width x height, with a tiny (wrong) body: a decompression-bomb stand-in."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body)
    return path


def write_csv(path: Path, rows: list[dict], columns: list[str] | None = None) -> Path:
    columns = columns or list(rows[0])
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def write_parquet(path: Path, rows: list[dict]) -> Path:
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path


@pytest.fixture
def images_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "images"
    for name, (fmt, size, color) in IMAGES.items():
        make_image(folder / name, fmt, size, color)
    return folder


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path / "ws")


@pytest.fixture
def catalog_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "items.csv", ROWS)


@pytest.fixture
def ingest(workspace, images_dir):
    """ingest_catalog on the fixture workspace and images, without a progress bar."""

    def run(metadata: Path, **options):
        return ingest_catalog(workspace, images_dir, metadata, progress=False, **options)

    return run


def table_rows(workspace: Workspace) -> list[dict]:
    """Every row of the items table, sorted by item_id."""
    return sorted(open_items_table(workspace).to_arrow().to_pylist(), key=lambda row: row["item_id"])
