"""Held-out quality of the early-fusion CG's model: early fusion vs late fusion (0.5/0.5) vs the reference image alone.

Queries are (reference, modification text) triplets mined from held-out reference items (10% by a hash of
the item id, never seen in training), searched against every item's image vector, the reference left out.
p@10: share of the top 10 that are valid targets (pivot: same category, the asked value, the other kept
families unchanged; descriptor: same category, same value of the named family); hit@10: any valid target
in the top 10; exact@10: the mined target itself in the top 10.

    python benchmarks/bench_fusion.py                          # /tmp/ws3000, its checkpoint or the committed one
    python benchmarks/bench_fusion.py --home WORKSPACE --train # retrain with the default settings, then measure
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing

from engine.index.store import open_items_table  # noqa: E402
from engine.models.fusion.checkpoint import COMMITTED_CHECKPOINT, load_fusion  # noqa: E402
from engine.models.fusion.evaluate import METHODS, TargetIndex, held_out_metrics  # noqa: E402
from engine.models.fusion.loader import workspace_checkpoint  # noqa: E402
from engine.models.fusion.train import (  # noqa: E402
    FusionSettings,
    read_catalog_vectors,
    split_triplets,
    train_fusion,
    workspace_clip,
)
from engine.models.fusion.triplets import mining_plan  # noqa: E402
from engine.vocabulary import load_workspace_vocabulary  # noqa: E402
from engine.workspace import Workspace  # noqa: E402

MEASURES = ("p@10", "hit@10", "exact@10")


def table(rows: list[tuple[str, str, dict]], markdown: bool) -> str:
    head = ["queries", "method", *MEASURES]
    lines = []
    if markdown:
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    else:
        lines.append(f"{head[0]:27s} {head[1]:13s} " + " ".join(f"{m:>9s}" for m in MEASURES))
    for label, method, metrics in rows:
        values = [f"{metrics[m]:.3f}" for m in MEASURES]
        lines.append("| " + " | ".join([label, method, *values]) + " |" if markdown
                     else f"{label:27s} {method:13s} " + " ".join(f"{v:>9s}" for v in values))
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--home", default="/tmp/ws3000", help="an indexed workspace (default /tmp/ws3000)")
    p.add_argument("--checkpoint", default=None,
                   help="fusion checkpoint (default: WORKSPACE/models/workbench-fusion.safetensors, else the committed one)")
    p.add_argument("--train", action="store_true", help="train a fresh model (default settings) into a temp file first")
    p.add_argument("--markdown", action="store_true", help="print markdown tables")
    args = p.parse_args(argv)
    workspace = Workspace(Path(args.home))
    table_ = open_items_table(workspace)
    clip = workspace_clip(table_)
    vocab = load_workspace_vocabulary(workspace.root)
    plan = mining_plan(vocab)
    if args.train:
        path = Path(tempfile.mkdtemp(prefix="bench-fusion-")) / "workbench-fusion.safetensors"
        report = train_fusion(workspace, path, FusionSettings(), clip=clip, vocab=vocab)
        print(f"trained in {report.seconds:.1f}s on {report.train_triplets} triplets")
    else:
        own = workspace_checkpoint(workspace)
        path = Path(args.checkpoint) if args.checkpoint else own if own.is_file() else COMMITTED_CHECKPOINT
    model, meta = load_fusion(path, expected_identity=clip.identity.key())
    settings = FusionSettings(**meta.settings)
    catalog = read_catalog_vectors(table_)
    _, held = split_triplets(catalog, settings, vocab)
    texts = sorted({t.text for t in held})
    text_vectors = dict(zip(texts, clip.encode_texts(texts)))
    t = time.perf_counter()
    metrics = held_out_metrics(model, held, catalog, text_vectors, vocab)
    seconds = time.perf_counter() - t
    print(f"checkpoint {path} (trained {meta.trained_seconds:.0f}s over {meta.clip_identity}); "
          f"{len(catalog.ids)} items, {len(held)} held-out queries from "
          f"{len({t.reference for t in held})} held-out references; measured in {seconds:.1f}s\n")
    rows = [(f"{kind} ({metrics[f'{kind}.queries']})", method,
             {m: metrics[f"{kind}.{method}.{m}"] for m in MEASURES})
            for kind in ("pivot", "descriptor") if f"{kind}.queries" in metrics for method in METHODS]
    print(table(rows, args.markdown))
    index = TargetIndex(catalog.attributes, vocab)
    for kind in ("pivot", "descriptor"):  # fewer than 10 valid targets caps p@10 below 1
        sizes = [min(len(index.valid(t)), 10) / 10 for t in held if t.kind == kind]
        print(f"{kind} p@10 ceiling (valid targets per query, at most 10): {sum(sizes) / max(1, len(sizes)):.3f}")
    print("\nper family:")
    rows = []
    for kind, families in (("pivot", plan.pivot_families), ("descriptor", plan.descriptor_families)):
        for family in families:
            chosen = [t for t in held if t.kind == kind and t.family == family]
            if chosen:
                fm = held_out_metrics(model, chosen, catalog, text_vectors, vocab)
                rows += [(f"{kind} {family} ({len(chosen)})", method, {m: fm[f"{kind}.{method}.{m}"] for m in MEASURES})
                         for method in METHODS]
    print(table(rows, args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
