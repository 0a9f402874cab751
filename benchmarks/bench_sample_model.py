"""Quality and speed of the sample image-text model, on held-out sample items, against a baseline checkpoint.

Zero-shot accuracy per family ("a photo of a red dress" against every color, the category held),
text-to-image Recall@10 of two-attribute queries ("red floral dress"), and image kNN@10 purity
(the share of each item's 10 nearest images with its category, its color), on (a) the items of
the training catalog held out from training and (b) a fresh catalog of another seed, never seen.
Also images embedded per second on this machine's cores (batches of the encoder's size).
Every model is measured in the same run, and the table prints each measure's ratio to the baseline.

    python benchmarks/bench_sample_model.py                 # committed checkpoint, 3000 items seed 7 + 600 of seed 11
    python benchmarks/bench_sample_model.py --checkpoint workspace/models/workbench-sample.safetensors \\
        --baseline old.safetensors --train-catalog /tmp/sample
    python benchmarks/bench_sample_model.py --workspace ~/.workbench   # kNN@10 purity over a workspace's index

`--workspace` measures, instead, the issue's whole-catalog measure: kNN@10 category and color purity over every indexed
`image_vec` of a workspace (the demo's 3,000 items, embedded by whatever model indexed them), against the
catalog's true `attributes`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing

from engine.models.clip_encoder import ClipSpec, load_clip  # noqa: E402
from engine.models.sample_quality import knn_purity, sample_model_quality  # noqa: E402
from engine.models.training.pairs import load_pairs  # noqa: E402

TARGETS = {"zero_shot_category": 0.97, "zero_shot_color": 0.97, "zero_shot_pattern": 0.90,
           "zero_shot_material": 0.85, "text_to_image_recall@10": 0.95, "knn10_category_purity": 0.95,
           "knn10_color_purity": 0.95}
SHOWN = (*TARGETS, "images_per_second")


def catalog(n: int, seed: int, given: str | None) -> Path:
    if given:
        return Path(given)
    from sample_data.generate import generate_sample

    folder = Path(tempfile.mkdtemp(prefix=f"bench-sample-{seed}-"))
    generate_sample(folder, n=n, seed=seed, workers=2, progress=False)
    return folder


def measure(encoder, pairs) -> dict:
    from sample_data.workspace_vocabulary import fashion_vocabulary

    vocab = fashion_vocabulary()
    products = [p for p in pairs if p.attributes.get(vocab.product_type)]
    paths = [p.image_path for p in products]
    encoder.encode_images(paths[:encoder.batch_size])  # warm up (first-call allocations, thread pools)
    t = time.perf_counter()
    vecs = encoder.encode_images(paths)
    seconds = time.perf_counter() - t
    truth = [p.attributes for p in products]
    metrics = sample_model_quality(vecs, truth, encoder.encode_texts, vocab)
    for family in ("category", "color"):
        metrics[f"knn10_{family}_purity"] = knn_purity(vecs, [t.get(family) for t in truth], k=10)
    metrics["images_per_second"] = len(products) / seconds
    return metrics


def workspace_purity(home: Path) -> dict:
    """kNN@10 purity over a workspace's indexed image vectors (items without a readable image left out)."""
    import json

    import numpy as np

    from engine.index.columns import IMAGE_VEC
    from engine.index.store import open_items_table
    from engine.workspace import Workspace

    table = open_items_table(Workspace(home)).to_arrow().select(["attributes", IMAGE_VEC]).to_pylist()
    rows = [r for r in table if r[IMAGE_VEC] is not None and np.any(r[IMAGE_VEC])]
    vecs = np.asarray([r[IMAGE_VEC] for r in rows], dtype=np.float32)
    truth = [json.loads(r["attributes"] or "{}") for r in rows]
    out = {"items": float(len(rows))}
    for family in ("category", "color"):
        out[f"knn10_{family}_purity"] = knn_purity(vecs, [t.get(family) for t in truth], k=10)
    return out


def table(label: str, results: dict[str, dict], baseline: str) -> str:
    names = list(results)
    lines = [f"\n{label}: {int(results[names[0]]['items'])} products",
             f"  {'measure':28s}" + "".join(f"{n:>16s}" for n in names) + "   ratio   aim"]
    for key in SHOWN:
        values = [results[n].get(key, float("nan")) for n in names]
        base = results[baseline].get(key, float("nan"))
        new = values[-1]
        ratio = new / base if base else float("nan")
        target = TARGETS.get(key)
        aim = "" if target is None else f"  >= {target}: {'met' if new >= target else 'SHORT'}"
        lines.append(f"  {key:28s}" + "".join(f"{v:16.3f}" for v in values) + f"  {ratio:6.2f}{aim}")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--checkpoint", default=None, help="sample checkpoint to measure (default: the committed one)")
    p.add_argument("--baseline", default=None,
                   help="checkpoint to compare with, measured in the same run (default: none)")
    p.add_argument("--train-catalog", default=None, help="the catalog it was trained on (default: regenerate 3000/7)")
    p.add_argument("--unseen-n", type=int, default=600)
    p.add_argument("--unseen-seed", type=int, default=11)
    p.add_argument("--unseen-catalog", default=None, help="an unseen catalog already generated (default: generate)")
    p.add_argument("--batch-size", type=int, default=64, help="images per encoder batch (default 64)")
    p.add_argument("--workspace", type=Path, default=None,
                   help="measure only kNN@10 purity over this workspace's indexed image vectors")
    args = p.parse_args(argv)
    if args.workspace:
        got = workspace_purity(args.workspace)
        print(f"workspace {args.workspace}: {int(got['items'])} indexed images")
        for key in ("knn10_category_purity", "knn10_color_purity"):
            print(f"  {key:28s}{got[key]:8.3f}  aim >= {TARGETS[key]}: {'met' if got[key] >= TARGETS[key] else 'SHORT'}")
        return 0
    models = {}
    if args.baseline:
        models["baseline"] = load_clip(ClipSpec(pretrained=args.baseline), batch_size=args.batch_size)
    models["model"] = load_clip(ClipSpec(pretrained=args.checkpoint), batch_size=args.batch_size)
    for name, encoder in models.items():
        print(f"{name}: {encoder.identity.key()}")
    train_catalog = catalog(3000, 7, args.train_catalog)
    held = [q for q in load_pairs(train_catalog, holdout_fraction=0.1) if q.held_out]
    unseen = load_pairs(catalog(args.unseen_n, args.unseen_seed, args.unseen_catalog), holdout_fraction=0.0)
    baseline = next(iter(models))
    for label, pairs in ((f"held-out items of the training catalog ({train_catalog})", held),
                         (f"an unseen catalog (seed {args.unseen_seed}, {args.unseen_n} items)", unseen)):
        results = {name: measure(encoder, pairs) for name, encoder in models.items()}
        print(table(label, results, baseline), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
