"""Time `ingest_catalog` against its floor, opening and decoding the same images with Pillow.

    python benchmarks/bench_ingest.py --n 2000
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing

from engine.catalog import ingest_catalog  # noqa: E402
from engine.workspace import Workspace  # noqa: E402


def make_catalog(folder: Path, n: int, size: int, seed: int) -> Path:
    """n distinct size x size JPEGs (smooth gradients plus noise, like photos) and a CSV naming them."""
    rng = np.random.default_rng(seed)
    images = folder / "images"
    images.mkdir(parents=True)
    ramp = np.linspace(0, 1, size, dtype=np.float32)
    rows = []
    for index in range(n):
        base = rng.uniform(0, 255, size=3).astype(np.float32)
        pixels = base * ramp[:, None, None] + (255 - base) * ramp[None, :, None]
        pixels += rng.normal(0, 12, size=(size, size, 3))
        name = f"{index:06d}.jpg"
        Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(images / name, quality=90)
        rows.append({"item_id": f"item-{index:06d}", "image_path": name, "title": f"Item {index}",
                     "description": "a synthetic benchmark item", "tags": "bench|synthetic",
                     "price": f"{index % 100}.99", "color": "red"})
    metadata = folder / "items.csv"
    with open(metadata, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return metadata


def time_floor(images: list[Path]) -> float:
    """Seconds to open and fully decode every image, the least any validating ingest must do."""
    started = time.perf_counter()
    for path in images:
        with Image.open(path) as image:
            image.load()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="number of images (default 2000)")
    parser.add_argument("--size", type=int, default=256, help="image side in pixels (default 256)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=None, help="ingest image threads (default: min(8, CPUs))")
    args = parser.parse_args(argv)
    if args.n < 1 or args.size < 8:
        parser.error(f"--n must be >= 1 and --size >= 8, got --n {args.n} --size {args.size}")

    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        metadata = make_catalog(folder, args.n, args.size, args.seed)
        made = time.perf_counter() - started
        images = sorted((folder / "images").iterdir())
        time_floor(images[: min(50, len(images))])  # warm the page cache and Pillow's plugins alike for both
        floor = time_floor(images)
        workspace = Workspace(folder / "ws")
        first = ingest_catalog(workspace, folder / "images", metadata, batch_size=args.batch_size,
                               workers=args.workers, progress=False)
        again = ingest_catalog(workspace, folder / "images", metadata, batch_size=args.batch_size,
                               workers=args.workers, progress=False)

    if first.skipped or first.inserted != args.n or again.unchanged != args.n:
        print(f"unexpected outcome: {first.summary()}\n{again.summary()}", file=sys.stderr)
        return 1
    n = args.n
    workers = args.workers or min(8, os.cpu_count() or 1)
    print(f"{n} JPEGs of {args.size}x{args.size} px (made in {made:.1f} s); batch size {args.batch_size}, "
          f"ingest threads {workers} of {os.cpu_count()} CPUs; the floor runs in one thread\n")
    print("| step | seconds | items/s | x floor |")
    print("| --- | ---: | ---: | ---: |")
    for name, seconds in (("floor: PIL open + decode", floor), ("ingest_catalog (new items)", first.elapsed_s),
                          ("ingest_catalog (re-ingest, unchanged)", again.elapsed_s)):
        print(f"| {name} | {seconds:.2f} | {n / seconds:,.0f} | {seconds / floor:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
