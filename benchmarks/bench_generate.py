"""Sample-catalog generation speed, against the floor of writing the same number of blank JPEGs.

    python benchmarks/bench_generate.py --n 3000            # the issue's target: well under a minute
    python benchmarks/bench_generate.py --n 3000 100000     # 100k: practical? (items/s)

Both runs use the same worker count, so the ratio shows what rendering and text cost over bare I/O.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image

from sample_data.generate import JPEG_QUALITY, generate_sample


def _blank_jpegs(folder: str, start: int, count: int) -> int:
    image = Image.new("RGB", (256, 256), (200, 200, 200))
    for i in range(start, start + count):
        image.save(Path(folder, f"{i}.jpg"), quality=JPEG_QUALITY)
    return count


def floor_seconds(n: int, workers: int) -> float:
    """Time to write n blank 256x256 JPEGs with `workers` processes."""
    with tempfile.TemporaryDirectory() as folder:
        t = time.perf_counter()
        step = -(-n // workers)
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(_blank_jpegs, [folder] * workers, range(0, n, step), [step] * workers))
        return time.perf_counter() - t


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[3000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    args = parser.parse_args(argv)

    print(f"workers={args.workers}, cpu_count={os.cpu_count()}")
    print("| items | total s | items/s | specs s | render s | text s | search log s | floor items/s | total / floor |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.n:
        with tempfile.TemporaryDirectory() as out:
            m = generate_sample(out, n=n, seed=args.seed, workers=args.workers, progress=False)
        floor = floor_seconds(n, args.workers)
        s = m["seconds"]
        print(
            f"| {n:,} | {s['total']:.1f} | {n / s['total']:.0f} | {s['specs']:.1f} | {s['render']:.1f} | "
            f"{s['text']:.1f} | {s['search_log']:.1f} | {n / floor:.0f} | {s['total'] / floor:.1f}x |",
            flush=True,
        )


if __name__ == "__main__":
    main()
