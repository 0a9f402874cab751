"""Quality and speed of the sample image-text model, on held-out sample items.

Zero-shot accuracy per family ("a photo of a red dress" against every color, the category held)
and text-to-image Recall@10 of two-attribute queries ("red floral dress"), on (a) the items of the
training catalog held out from training and (b) a fresh catalog of another seed, never seen.
Also images embedded per second on this machine's cores.

    python benchmarks/bench_sample_model.py                 # committed checkpoint, 3000 items seed 7 + 600 of seed 11
    python benchmarks/bench_sample_model.py --checkpoint workspace/models/workbench-sample.safetensors
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing

from engine.models.clip_encoder import ClipSpec, load_clip  # noqa: E402
from engine.models.sample_quality import sample_model_quality  # noqa: E402
from engine.models.training.pairs import load_pairs  # noqa: E402

TARGETS = {"zero_shot_category": 0.95, "zero_shot_color": 0.95, "zero_shot_pattern": 0.85,
           "zero_shot_material": 0.85}


def catalog(n: int, seed: int, given: str | None) -> Path:
    if given:
        return Path(given)
    from sample_data.generate import generate_sample

    folder = Path(tempfile.mkdtemp(prefix=f"bench-sample-{seed}-"))
    generate_sample(folder, n=n, seed=seed, workers=2, progress=False)
    return folder


def measure(encoder, pairs, label: str) -> dict:
    from sample_data.workspace_vocabulary import fashion_vocabulary

    vocab = fashion_vocabulary()
    products = [p for p in pairs if p.attributes.get(vocab.product_type)]
    t = time.perf_counter()
    vecs = encoder.encode_images([p.image_path for p in products])
    seconds = time.perf_counter() - t
    metrics = sample_model_quality(vecs, [p.attributes for p in products], encoder.encode_texts, vocab)
    metrics["images_per_second"] = len(products) / seconds
    print(f"\n{label}: {len(products)} products")
    for key, value in metrics.items():
        target = TARGETS.get(key)
        mark = "" if target is None else (f"  (aim >= {target}: {'met' if value >= target else 'SHORT'})")
        print(f"  {key:28s} {value:8.3f}{mark}")
    return metrics


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--checkpoint", default=None, help="sample checkpoint (default: the committed one)")
    p.add_argument("--train-catalog", default=None, help="the catalog it was trained on (default: regenerate 3000/7)")
    p.add_argument("--unseen-n", type=int, default=600)
    p.add_argument("--unseen-seed", type=int, default=11)
    args = p.parse_args(argv)
    encoder = load_clip(ClipSpec(pretrained=args.checkpoint))
    print(f"model {encoder.identity.key()}")
    train_catalog = catalog(3000, 7, args.train_catalog)
    held = [q for q in load_pairs(train_catalog, holdout_fraction=0.1) if q.held_out]
    measure(encoder, held, f"held-out items of the training catalog ({train_catalog})")
    unseen = load_pairs(catalog(args.unseen_n, args.unseen_seed, None), holdout_fraction=0.0)
    measure(encoder, unseen, f"an unseen catalog (seed {args.unseen_seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
