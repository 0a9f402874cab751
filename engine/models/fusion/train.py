"""`workbench train fusion`: mine triplets from an indexed workspace, train the Combiner, measure it held out, save.

Triplets are mined in the workspace vocabulary's families and words (its hash is recorded in the checkpoint's
metadata, so a changed vocabulary reports the model stale). Training runs on cached vectors only (the items'
`image_vec` and the open_clip text embedding of each distinct modification text, encoded once), so it takes
seconds to a few minutes on 2 CPU cores.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from engine.models.fusion.evaluate import held_out_metrics
from engine.models.fusion.triplets import Triplet, is_held_out, mine_triplets
from engine.vocabulary import Vocabulary

STALE_STAGE = "fusion"  # the key of engine.vocabulary.REFRESH_COMMANDS


@dataclass(frozen=True)
class FusionSettings:
    epochs: int = 25  # passes over the training triplets
    batch_size: int = 256  # contrastive batch: each composed query against the batch's targets
    lr: float = 1e-3  # peak AdamW learning rate (cosine decay after warm-up)
    weight_decay: float = 0.01
    warmup_steps: int = 50
    temperature: float = 0.07  # initial InfoNCE temperature (learned, kept above 0.01)
    per_reference: int = 8  # triplets mined per reference item
    holdout_fraction: float = 0.1  # reference items (by a hash of item_id) kept for the metrics
    proj_dim: int = 256  # Combiner projection width
    hidden_dim: int = 512  # Combiner MLP width
    dropout: float = 0.1
    seed: int = 0
    threads: int = 2

    def to_dict(self) -> dict:
        return asdict(self)

    def check(self) -> FusionSettings:
        for name in ("epochs", "batch_size", "per_reference", "proj_dim", "hidden_dim", "threads"):
            if getattr(self, name) < 1:
                raise ValueError(f"fusion setting {name} must be at least 1, got {getattr(self, name)}")
        if not 0 < self.lr < 1:
            raise ValueError(f"fusion setting lr must lie in (0, 1), got {self.lr}")
        if not 0 < self.holdout_fraction < 1:
            raise ValueError(f"fusion setting holdout_fraction must lie in (0, 1), got {self.holdout_fraction}")
        if not 0 < self.temperature < 1:
            raise ValueError(f"fusion setting temperature must lie in (0, 1), got {self.temperature}")
        return self


@dataclass(frozen=True)
class FusionReport:
    checkpoint: Path
    seconds: float
    train_triplets: int
    held_out_triplets: int
    metrics: dict

    def summary(self) -> str:
        lines = [f"trained on {self.train_triplets} triplets in {self.seconds:.0f}s; wrote {self.checkpoint}",
                 f"held-out metrics ({self.held_out_triplets} triplets; p@10 = share of the top 10 that are valid "
                 "targets, hit@10 = any valid target in the top 10):"]
        lines += [f"  {k:36s} {v:.3f}" for k, v in self.metrics.items() if isinstance(v, float)]
        return "\n".join(lines)


@dataclass
class CatalogVectors:
    """What training reads from the index: ids, L2-normalised image vectors, and attributes where known."""

    ids: list[str]
    vectors: np.ndarray  # (N, D) float32, row i is ids[i]
    attributes: dict[str, dict[str, str]]  # item_id -> family -> value (items with attributes only)

    def data_hash(self) -> str:
        digest = hashlib.sha256()
        for i, item_id in enumerate(self.ids):
            digest.update(json.dumps([item_id, self.attributes.get(item_id)], sort_keys=True).encode())
            digest.update(self.vectors[i].tobytes())
        return digest.hexdigest()


ATTRIBUTE_COLUMNS = ("attributes", "tagged_attributes")  # catalog columns (truth), then the tagger's output


def item_attribute_values(attributes_json: str | None, tagged_json: str | None) -> dict[str, str]:
    """One value per family: the catalog's own attributes, completed by the tagger's most confident tag."""
    out = {f: v for f, v in (json.loads(attributes_json) if attributes_json else {}).items() if v not in (None, "")}
    best: dict[str, tuple[float, str]] = {}
    for tag in json.loads(tagged_json) if tagged_json else []:
        family, value, confidence = str(tag["family"]), str(tag["value"]), float(tag.get("confidence", 1.0))
        if family not in best or confidence > best[family][0]:
            best[family] = (confidence, value)
    for family, (_, value) in best.items():
        out.setdefault(family, value)
    return out


def read_catalog_vectors(table) -> CatalogVectors:
    """Every item with an image vector, sorted by id, with its attributes (catalog columns, else tags)."""
    from engine.index.columns import IMAGE_VEC
    from engine.index.store import read_columns

    present = [c for c in ATTRIBUTE_COLUMNS if c in table.schema.names]
    if IMAGE_VEC not in table.schema.names or not present:
        raise FileNotFoundError("the workspace is not indexed yet (no image_vec and attributes columns); "
                                "run `workbench index` (and `workbench attributes run` for a catalog without "
                                "attribute columns) before `workbench train fusion`")
    rows = sorted((r for r in read_columns(table, ["item_id", IMAGE_VEC, *present]).to_pylist()
                   if r[IMAGE_VEC] is not None), key=lambda r: r["item_id"])
    ids = [r["item_id"] for r in rows]
    vectors = np.asarray([r[IMAGE_VEC] for r in rows], np.float32).reshape(len(rows), -1)
    attributes = {}
    for r in rows:
        values = item_attribute_values(r.get("attributes"), r.get("tagged_attributes"))
        if values:
            attributes[r["item_id"]] = values
    return CatalogVectors(ids, vectors, attributes)


def workspace_clip(table):
    """The open_clip encoder recorded on the index's image_vec column, checked against it."""
    from engine.index.columns import IMAGE_VEC, LOAD_SPEC_KEY, check_model
    from engine.models.clip_encoder import ClipSpec, load_clip

    meta = table.schema.field(IMAGE_VEC).metadata or {}
    clip = load_clip(ClipSpec(**json.loads(meta[LOAD_SPEC_KEY])) if LOAD_SPEC_KEY in meta else ClipSpec())
    check_model(table.schema, IMAGE_VEC, clip.identity)
    return clip


def split_triplets(catalog: CatalogVectors, settings: FusionSettings,
                   vocab: Vocabulary) -> tuple[list[Triplet], list[Triplet]]:
    """Training triplets among training items; held-out triplets from held-out references to any item."""
    train_ids = [i for i in catalog.attributes if not is_held_out(i, settings.holdout_fraction)]
    held_ids = [i for i in catalog.attributes if is_held_out(i, settings.holdout_fraction)]
    train = mine_triplets(catalog.attributes, vocab, train_ids, train_ids, per_reference=settings.per_reference,
                          seed=settings.seed)
    held = mine_triplets(catalog.attributes, vocab, held_ids, None, per_reference=settings.per_reference,
                         seed=settings.seed + 1)
    return train, held


def train_fusion(workspace, out_path: Path, settings: FusionSettings = FusionSettings(), progress: bool = False,
                 clip=None, vocab: Vocabulary | None = None) -> FusionReport:
    """Train the Combiner over the workspace's index, evaluate on held-out references, save with metadata.

    `vocab` defaults to the workspace's (WORKSPACE/vocabulary.toml).
    """
    from engine.index.store import open_items_table
    from engine.models.fusion.checkpoint import save_fusion
    from engine.vocabulary import load_workspace_vocabulary

    settings.check()
    vocab = load_workspace_vocabulary(workspace.root) if vocab is None else vocab
    if Path(out_path).suffix != ".safetensors":
        raise ValueError(f"--out {out_path}: the fusion checkpoint is written as .safetensors; "
                         "name the file NAME.safetensors")
    table = open_items_table(workspace)
    catalog = read_catalog_vectors(table)
    if clip is None:
        clip = workspace_clip(table)
    train, held = split_triplets(catalog, settings, vocab)
    if not train or not held:
        raise ValueError(f"the workspace {workspace.root} yields {len(train)} training and {len(held)} held-out "
                         f"triplets; training needs items with attributes (a {vocab.product_type} plus other "
                         "families of the vocabulary) that differ in one family: index a catalog with attribute "
                         "columns or run `workbench attributes run`")
    texts = sorted({t.text for t in (*train, *held)})
    text_vectors = dict(zip(texts, np.asarray(clip.encode_texts(texts, progress=progress), np.float32)))
    model, seconds = train_combiner(catalog, train, text_vectors, settings, progress=progress)
    metrics = held_out_metrics(model, held, catalog, text_vectors, vocab)
    save_fusion(model, out_path, clip_identity=clip.identity.key(), data_hash=catalog.data_hash(),
                settings=settings.to_dict(), metrics=metrics, trained_seconds=round(seconds, 1),
                train_triplets=len(train), held_out_triplets=len(held), vocabulary_hash=vocab.hash)
    return FusionReport(Path(out_path), seconds, len(train), len(held), metrics)


def train_combiner(catalog: CatalogVectors, triplets: list[Triplet], text_vectors: dict[str, np.ndarray],
                   settings: FusionSettings, progress: bool = False):
    """(trained Combiner in eval mode, seconds): symmetric InfoNCE of composed queries against target image vectors,
    in-batch negatives, other rows with the same target masked out."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(settings.threads)
    try:
        return _train(catalog, triplets, text_vectors, settings, progress)
    finally:
        torch.set_num_threads(threads)  # leave the process as it was (tests and the app share it)


def _train(catalog: CatalogVectors, triplets: list[Triplet], text_vectors: dict[str, np.ndarray],
           settings: FusionSettings, progress: bool):
    import torch
    from tqdm import tqdm

    from engine.models.fusion.model import Combiner, FusionArchitecture

    started = time.perf_counter()
    torch.manual_seed(settings.seed)
    row = {item_id: i for i, item_id in enumerate(catalog.ids)}
    vectors = torch.from_numpy(catalog.vectors)
    refs = torch.tensor([row[t.reference] for t in triplets])
    targets = torch.tensor([row[t.target] for t in triplets])
    texts = torch.from_numpy(np.stack([text_vectors[t.text] for t in triplets]).astype(np.float32))
    arch = FusionArchitecture(catalog.vectors.shape[1], settings.proj_dim, settings.hidden_dim, settings.dropout)
    model = Combiner(arch)
    log_scale = torch.nn.Parameter(torch.tensor(math.log(1.0 / settings.temperature)))
    optimizer = torch.optim.AdamW([*model.parameters(), log_scale], lr=settings.lr,
                                  weight_decay=settings.weight_decay)
    steps_per_epoch = math.ceil(len(triplets) / settings.batch_size)
    total = steps_per_epoch * settings.epochs

    def lr_at(step: int) -> float:
        if step < settings.warmup_steps:
            return (step + 1) / settings.warmup_steps
        return 0.5 * (1 + math.cos(math.pi * (step - settings.warmup_steps) / max(1, total - settings.warmup_steps)))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_at)
    generator = torch.Generator().manual_seed(settings.seed)
    model.train()
    bar = tqdm(total=total, desc="train fusion", unit="step", disable=not progress)
    for _ in range(settings.epochs):
        order = torch.randperm(len(triplets), generator=generator)
        for start in range(0, len(triplets), settings.batch_size):
            batch = order[start:start + settings.batch_size]
            composed = model(vectors[refs[batch]], texts[batch])
            target_ids = targets[batch]
            logits = log_scale.exp() * composed @ vectors[target_ids].T
            same = target_ids[:, None] == target_ids[None, :]
            logits = logits.masked_fill(same & ~torch.eye(len(batch), dtype=torch.bool), float("-inf"))
            labels = torch.arange(len(batch))
            loss = (torch.nn.functional.cross_entropy(logits, labels)
                    + torch.nn.functional.cross_entropy(logits.T, labels)) / 2
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            with torch.no_grad():
                log_scale.clamp_(max=math.log(100.0))
            bar.update(1)
            bar.set_postfix(loss=f"{loss.item():.3f}")
    bar.close()
    return model.eval(), time.perf_counter() - started
