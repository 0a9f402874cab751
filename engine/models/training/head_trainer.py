"""Train the projection head of a sample model whose trunk is frozen, on trunk features computed once.

The frozen trunk (ImageNet EfficientNet-Lite0 + color histogram) is by far the costly part of a
forward pass, and its output never changes during training, so every training image goes through
it once (`trunk_features`) and the epochs only run the small head, the text projection and the
logit scale: minutes on 2 CPU cores instead of hours.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Sequence

from engine.models.training.clip_trainer import (ClipTrainSettings, TrainedClip, _attribute_prompts, _lr_at,
                                                 _optimizer, pooled_text_features)
from engine.models.training.pairs import TrainingPair
from engine.vocabulary import Vocabulary


def trunk_features(model, preprocess, images: Sequence, *, batch_size: int = 50, progress: bool = False):
    """model.visual.trunk's output per image (paths or PIL images), preprocessed as at index time."""
    import torch
    from tqdm import tqdm

    from engine.models.clip_encoder import _as_rgb

    chunks = []
    trunk = model.visual.trunk.eval()
    with torch.inference_mode():
        for start in tqdm(range(0, len(images), batch_size), desc="trunk features", unit="batch",
                          disable=not progress):
            batch = torch.stack([preprocess(_as_rgb(im)) for im in images[start:start + batch_size]])
            chunks.append(trunk(batch))
    return torch.cat(chunks)


def train_head(model, preprocess, tokenizer, pairs: Sequence[TrainingPair], settings: ClipTrainSettings,
               vocab: Vocabulary, *, progress: bool = True) -> TrainedClip:
    """Contrastive training of the vision head and text projection over cached trunk features (attribute prompts
    in the vocabulary's visible families, as for the trunk trained from scratch)."""
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
    for param in [*model.text.transformer.parameters(), *model.visual.trunk.parameters()]:
        param.requires_grad = False
    captions = sorted({c for p in train for c in p.captions})
    caption_index = {c: i for i, c in enumerate(captions)}
    pooled = pooled_text_features(model, tokenizer, captions, progress)
    prompts = _attribute_prompts(model, tokenizer, train, settings, vocab)
    item_captions = [[caption_index[c] for c in p.captions] for p in train]
    features = trunk_features(model, preprocess, [p.image_path for p in train], progress=progress).clone()
    # The head's matrices are small: one thread is faster than two (about 10x on a loaded 2-core machine, where a
    # second thread mostly waits for a core).
    torch.set_num_threads(1)

    labels = [[p.attributes.get(f) for p in train] for f in neighbour_families(vocab)]
    head, proj = model.visual.head, model.text.proj
    optimizer = _optimizer(model, settings)
    steps_per_epoch = len(train) // settings.batch_size
    total_steps = steps_per_epoch * settings.epochs
    loss_fn = ClipLoss()
    model.train()
    model.text.transformer.eval()
    step, loss_value = 0, float("nan")
    bar = tqdm(total=total_steps, desc="train head", unit="step", disable=not progress)
    for _epoch in range(settings.epochs):
        order = list(range(len(train)))
        rng.shuffle(order)
        for b in range(steps_per_epoch):
            batch = order[b * settings.batch_size:(b + 1) * settings.batch_size]
            text_idx = torch.tensor([rng.choice(item_captions[i]) for i in batch])
            for group in optimizer.param_groups:
                group["lr"] = _lr_at(step, settings, total_steps)
            image_features = F.normalize(head(features[batch]), dim=-1)
            text_features = F.normalize(proj(pooled[text_idx]), dim=-1)
            loss = loss_fn(image_features, text_features, model.logit_scale.exp())
            if prompts is not None:
                loss = loss + settings.attribute_weight * prompts.loss(
                    image_features, [train[i].attributes for i in batch], proj,
                    model.logit_scale.exp(), template=step % 2)
            if settings.neighbour_weight > 0:
                loss = loss + settings.neighbour_weight * neighbour_loss(
                    image_features, [[labels[f][i] for f in range(len(labels))] for i in batch])
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
    torch.set_num_threads(settings.threads)
    model.eval()
    return TrainedClip(model, settings, time.perf_counter() - started, len(train),
                       sum(p.held_out for p in pairs), loss_value)


def neighbour_families(vocab: Vocabulary) -> tuple[str, ...]:
    """The families whose shared values make two images neighbours: the product type and the first other visible
    family (color in the sample vocabulary); () without a product type."""
    from engine.models.training.attribute_prompts import prompt_families

    return prompt_families(vocab)[:2]


def neighbour_loss(image_features, labels: Sequence[Sequence[str | None]], temperature: float = 0.1):
    """Supervised contrastive loss per family, averaged: each image against the batch's other images, its
    positives those with its value of the family. An image index without a value or a positive is left out.

    Contrastive training on captions alone clusters images by whatever the trunk sees best (shape, texture);
    this makes the image space itself rank same-category and same-color items nearest.
    """
    import torch

    n = image_features.shape[0]
    logits = image_features @ image_features.T / temperature
    not_self = ~torch.eye(n, dtype=torch.bool)
    log_prob = logits.masked_fill(~not_self, float("-inf")).log_softmax(dim=1)
    losses = []
    for f in range(len(labels[0]) if labels else 0):
        values = [row[f] for row in labels]
        codes = {v: i for i, v in enumerate(sorted({v for v in values if v}))}
        if len(codes) < 2:
            continue
        code = torch.tensor([codes.get(v, -1) for v in values])
        positive = (code[:, None] == code[None, :]) & not_self & (code[:, None] >= 0)
        rows = positive.any(dim=1)
        if not rows.any():
            continue
        per_row = (log_prob.masked_fill(~positive, 0.0).sum(dim=1) / positive.sum(dim=1).clamp(min=1))[rows]
        losses.append(-per_row.mean())
    return torch.stack(losses).mean() if losses else image_features.sum() * 0
