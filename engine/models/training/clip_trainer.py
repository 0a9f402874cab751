"""Train the sample model's vision tower (and text projection) with open_clip's contrastive loss, on CPU."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from engine.models.training.pairs import TrainingPair
from engine.vocabulary import Vocabulary


@dataclass(frozen=True)
class ClipTrainSettings:
    epochs: int = 36  # passes over the training images (about 14 s each for 3,000 items on 2 cores)
    batch_size: int = 128  # contrastive batch: each image against the batch's captions
    lr: float = 3e-3  # peak AdamW learning rate (cosine decay after warm-up)
    weight_decay: float = 0.05
    warmup_steps: int = 40
    image_size: int = 96  # the sample model's input size (the model config must agree)
    pad: int = 6  # training crops of image_size are taken from images resized to image_size + pad
    holdout_fraction: float = 0.1  # items kept out of training and used for the metrics
    attribute_weight: float = 1.0  # weight of the attribute-prompt loss (0: captions only)
    neighbour_weight: float = 0.0  # weight of the image-image loss pulling together items of one product type, of
    # one first visible family (color); frozen-trunk training only (0: off)
    seed: int = 0
    threads: int = 2
    trunk: str = "regnetx_002"  # the vision trunk (engine.models.sample_model.TRUNKS); the model config must agree

    def to_dict(self) -> dict:
        return asdict(self)


# A frozen pretrained trunk trains only its head over cached features: epochs cost little.
TRUNK_DEFAULTS = {
    "regnetx_002": {},
    "efficientnet_lite0": {"epochs": 60, "lr": 2e-3, "image_size": 128, "pad": 0, "warmup_steps": 40,
                           "neighbour_weight": 0.5},
}


def settings_for(trunk: str, **changes) -> ClipTrainSettings:
    """The default settings of a trunk, with `changes` applied (None values ignored)."""
    from engine.models.sample_model import config_path

    config_path(trunk)  # unknown trunk: an error listing the known ones
    values = {**TRUNK_DEFAULTS[trunk], **{k: v for k, v in changes.items() if v is not None}}
    return ClipTrainSettings(trunk=trunk, **values)


@dataclass
class TrainedClip:
    model: object  # open_clip CustomTextCLIP, in eval mode
    settings: ClipTrainSettings
    seconds: float
    train_items: int
    held_out_items: int
    final_loss: float


def load_image_tensor(pairs: Sequence[TrainingPair], size: int, progress: bool):
    """Every image decoded once, resized to size x size, as a uint8 tensor (N, 3, size, size)."""
    import torch
    from PIL import Image
    from tqdm import tqdm

    out = torch.empty((len(pairs), 3, size, size), dtype=torch.uint8)
    for i, pair in enumerate(tqdm(pairs, desc="load images", unit="img", disable=not progress)):
        with Image.open(pair.image_path) as im:
            im = im.convert("RGB").resize((size, size), Image.BICUBIC)
        out[i] = torch.from_numpy(np.asarray(im).copy()).permute(2, 0, 1)
    return out


def pooled_text_features(model, tokenizer, captions: Sequence[str], progress: bool = False, batch_size: int = 256):
    """The frozen text transformer's pooled output per caption, computed once (the projection trains on top)."""
    import torch
    from tqdm import tqdm

    chunks = []
    text = model.text
    with torch.no_grad():
        for start in tqdm(range(0, len(captions), batch_size), desc="encode captions", unit="batch",
                          disable=not progress):
            # Pad to the batch's longest caption, not the context length: the mean pooler masks padding,
            # so the result equals encode_text's, at a fraction of the cost for short captions.
            batch = [tokenizer.clean_fn(c) for c in captions[start:start + batch_size]]
            enc = tokenizer.tokenizer(batch, padding=True, truncation=True, max_length=tokenizer.context_length,
                                      return_tensors="pt")
            out = text.transformer(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])
            chunks.append(text.pooler(out, enc["attention_mask"]))
    return torch.cat(chunks)


def train_clip(model, tokenizer, pairs: Sequence[TrainingPair], settings: ClipTrainSettings, vocab: Vocabulary, *,
               progress: bool = True) -> TrainedClip:
    """Contrastive training of every parameter except the frozen text transformer (attribute prompts in the
    vocabulary's visible families)."""
    import torch
    import torch.nn.functional as F
    from open_clip.loss import ClipLoss
    from tqdm import tqdm

    started = time.perf_counter()
    torch.manual_seed(settings.seed)
    rng = random.Random(settings.seed)
    torch.set_num_threads(settings.threads)
    train = [p for p in pairs if not p.held_out]
    if len(train) < settings.batch_size:
        raise ValueError(
            f"only {len(train)} training items, fewer than one batch ({settings.batch_size}); "
            "use a larger catalog or a smaller --batch-size"
        )
    for param in model.text.transformer.parameters():
        param.requires_grad = False
    captions = sorted({c for p in train for c in p.captions})
    caption_index = {c: i for i, c in enumerate(captions)}
    pooled = pooled_text_features(model, tokenizer, captions, progress)
    prompts = _attribute_prompts(model, tokenizer, train, settings, vocab)
    item_captions = [[caption_index[c] for c in p.captions] for p in train]
    images = load_image_tensor(train, settings.image_size + settings.pad, progress)
    mean = torch.tensor(model.visual.preprocess_cfg["mean"]).view(1, 3, 1, 1) * 255
    std = torch.tensor(model.visual.preprocess_cfg["std"]).view(1, 3, 1, 1) * 255

    optimizer = _optimizer(model, settings)
    steps_per_epoch = len(train) // settings.batch_size
    total_steps = steps_per_epoch * settings.epochs
    loss_fn = ClipLoss()
    model.train()
    model.text.transformer.eval()
    step, loss_value = 0, float("nan")
    bar = tqdm(total=total_steps, desc="train clip", unit="step", disable=not progress)
    for _epoch in range(settings.epochs):
        order = list(range(len(train)))
        rng.shuffle(order)
        for b in range(steps_per_epoch):
            batch = order[b * settings.batch_size:(b + 1) * settings.batch_size]
            x = _augment(images[batch], settings, rng)
            x = (x.float() - mean) / std
            text_idx = torch.tensor([rng.choice(item_captions[i]) for i in batch])
            lr = _lr_at(step, settings, total_steps)
            for group in optimizer.param_groups:
                group["lr"] = lr
            image_features = F.normalize(model.visual(x), dim=-1)
            text_features = F.normalize(model.text.proj(pooled[text_idx]), dim=-1)
            loss = loss_fn(image_features, text_features, model.logit_scale.exp())
            if prompts is not None:
                loss = loss + settings.attribute_weight * prompts.loss(
                    image_features, [train[i].attributes for i in batch], model.text.proj,
                    model.logit_scale.exp(), template=step % 2)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                model.logit_scale.clamp_(0, math.log(100))
            loss_value = float(loss.detach())
            step += 1
            bar.update(1)
            bar.set_postfix(loss=f"{loss_value:.3f}")
    bar.close()
    model.eval()
    return TrainedClip(model, settings, time.perf_counter() - started, len(train),
                       sum(p.held_out for p in pairs), loss_value)


def _attribute_prompts(model, tokenizer, train: Sequence[TrainingPair], settings: ClipTrainSettings,
                       vocab: Vocabulary):
    """Prompt targets for catalogs with attributes in the vocabulary's visible families; None otherwise or when
    weighted 0. A family whose items show fewer than two values teaches nothing and is left out."""
    from engine.models.training.attribute_prompts import AttributePrompts, prompt_families

    families = prompt_families(vocab)
    if settings.attribute_weight <= 0 or not families:
        return None
    values: dict[str, list[str]] = {f: sorted({p.attributes[f] for p in train if p.attributes.get(f)})
                                    for f in families}
    values = {f: v for f, v in values.items() if len(v) >= 2}
    if vocab.product_type not in values or len(values) < 2:
        return None
    return AttributePrompts(values, lambda texts: pooled_text_features(model, tokenizer, texts), vocab.product_type)


def _augment(batch, settings: ClipTrainSettings, rng: random.Random):
    """A random crop of image_size and a horizontal flip per image (no colour jitter: colour is a label)."""
    import torch

    size, pad = settings.image_size, settings.pad
    out = torch.empty((batch.shape[0], 3, size, size), dtype=batch.dtype)
    for i in range(batch.shape[0]):
        x0, y0 = rng.randint(0, pad), rng.randint(0, pad)
        crop = batch[i, :, y0:y0 + size, x0:x0 + size]
        out[i] = crop.flip(-1) if rng.random() < 0.5 else crop
    return out


def _optimizer(model, settings: ClipTrainSettings):
    """AdamW over the trainable parameters, with weight decay on matrices only (not biases or norms)."""
    import torch

    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.ndim >= 2]
    no_decay = [p for p in params if p.ndim < 2]
    return torch.optim.AdamW(
        [{"params": decay, "weight_decay": settings.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=settings.lr,
    )


def _lr_at(step: int, settings: ClipTrainSettings, total: int) -> float:
    if step < settings.warmup_steps:
        return settings.lr * (step + 1) / settings.warmup_steps
    progress = (step - settings.warmup_steps) / max(1, total - settings.warmup_steps)
    return settings.lr * 0.5 * (1 + math.cos(math.pi * progress))
