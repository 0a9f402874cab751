"""`workbench train clip`: train the sample model on the workspace's items (or a sample-format folder), measure it
held-out, save the checkpoint."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from engine.models.training.clip_trainer import ClipTrainSettings, train_clip
from engine.models.training.pairs import TrainingPair, folder_vocabulary, load_pairs, workspace_pairs
from engine.vocabulary import Vocabulary
from engine.workspace import Workspace


@dataclass(frozen=True)
class TrainReport:
    checkpoint: Path
    seconds: float
    train_items: int
    held_out_items: int
    metrics: dict

    def summary(self) -> str:
        lines = [f"trained {self.train_items} items in {self.seconds:.0f}s; wrote {self.checkpoint}",
                 f"held-out metrics ({self.held_out_items} items):"]
        lines += [f"  {k:28s} {v:.3f}" for k, v in self.metrics.items()]
        return "\n".join(lines)


def data_hash(pairs: list[TrainingPair]) -> str:
    """A hash of what the model saw: ids, image bytes and captions, in a stable order."""
    from engine.models.identity import file_sha256

    digest = hashlib.sha256()
    for p in sorted(pairs, key=lambda p: p.item_id):
        digest.update(json.dumps([p.item_id, file_sha256(p.image_path), p.captions, p.held_out]).encode())
    return digest.hexdigest()


def training_pairs(source: Path | Workspace, settings: ClipTrainSettings,
                   vocab: Vocabulary | None = None) -> tuple[list[TrainingPair], Vocabulary]:
    """(pairs, vocabulary) of a workspace's ingested items or a sample-format folder; the vocabulary defaults to
    the workspace's (or the one beside the folder's items.parquet)."""
    from engine.vocabulary import load_workspace_vocabulary

    if isinstance(source, Workspace):
        vocab = load_workspace_vocabulary(source.root) if vocab is None else vocab
        return workspace_pairs(source, vocab, holdout_fraction=settings.holdout_fraction), vocab
    vocab = folder_vocabulary(Path(source)) if vocab is None else vocab
    return load_pairs(Path(source), vocab, holdout_fraction=settings.holdout_fraction), vocab


def train_sample_model(source: Path | Workspace, out: Path, settings: ClipTrainSettings = ClipTrainSettings(),
                       vocab: Vocabulary | None = None, *, progress: bool = True) -> TrainReport:
    """Train on a workspace's items or a sample-format folder, evaluate on the held-out items (where they have
    attributes in the vocabulary's families) and save."""
    import open_clip

    from engine.models.clip_encoder import ClipEncoder, _embed_dim
    from engine.models.identity import ModelIdentity
    from engine.models.quiet_loading import quiet_loading
    from engine.models.sample_checkpoint import save_sample_checkpoint
    from engine.models.sample_model import SAMPLE_MODEL_NAME, architecture, register_sample_model
    from engine.models.training.head_trainer import train_head

    arch = architecture(settings.trunk)
    if arch["vision_cfg"]["image_size"] != settings.image_size:
        raise ValueError(f"the {settings.trunk} model config takes {arch['vision_cfg']['image_size']} px images, "
                         f"the settings say {settings.image_size}; use settings_for({settings.trunk!r})")
    pairs, vocab = training_pairs(source, settings, vocab)
    register_sample_model(arch)
    with quiet_loading():
        model, _, preprocess = open_clip.create_model_and_transforms(SAMPLE_MODEL_NAME)
    tokenizer = open_clip.get_tokenizer(SAMPLE_MODEL_NAME)
    if settings.trunk == "efficientnet_lite0":
        trained = train_head(model, preprocess, tokenizer, pairs, settings, vocab, progress=progress)
    else:
        trained = train_clip(model, tokenizer, pairs, settings, vocab, progress=progress)
    identity = ModelIdentity(SAMPLE_MODEL_NAME, "", "", _embed_dim(model, preprocess))
    encoder = ClipEncoder(model, preprocess, tokenizer, identity)
    metrics = held_out_metrics(encoder, [p for p in pairs if p.held_out], vocab, progress=progress)
    save_sample_checkpoint(
        model, out,
        architecture=arch,
        data_hash=data_hash(pairs),
        settings=settings.to_dict(),
        metrics=metrics,
        trained_seconds=round(trained.seconds, 1),
        train_items=trained.train_items,
        held_out_items=trained.held_out_items,
        vocabulary_hash=vocab.hash if not vocab.is_empty() else "",
    )
    return TrainReport(Path(out), trained.seconds, trained.train_items, trained.held_out_items, metrics)


def held_out_metrics(encoder, held_out: list[TrainingPair], vocab: Vocabulary, *, progress: bool) -> dict:
    """The sample-quality metrics over held-out products, or {} for items without a product type."""
    from engine.models.sample_quality import sample_model_quality

    if vocab.product_type is None:
        return {}
    products = [p for p in held_out if p.attributes.get(vocab.product_type)]
    if not products:
        return {}
    vecs = encoder.encode_images([p.image_path for p in products], progress=progress)
    metrics = sample_model_quality(vecs, [p.attributes for p in products], encoder.encode_texts, vocab)
    return {k: round(v, 4) for k, v in metrics.items()}

