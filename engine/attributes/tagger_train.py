"""Training the tagger: a bidirectional, multi-positive contrastive loss over (item, attribute) positives.

A batch is a set of items. Product -> attribute: each of an item's positive attributes is scored
against the item's non-positive attributes of the whole vocabulary (the vocabulary is small, a few
hundred phrases, so every negative is used). Attribute -> product: each attribute present in the
batch is scored against the batch's items that lack it. The item's (or the attribute's) other
positives are never negatives. On the 3,000-item sample this lifts held-out Recall@10 from 0.57
(in-batch pairs, where most columns repeat a few frequent attributes) to about 0.76.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from engine.attributes.tagger import TaggerSettings, build_towers


def multi_positive_log_probs(logits, positives):
    """log p(positive | itself + every negative of its row): logits (R, C), positives (R, C) bool.

    Entry [r, c] for a positive is logits[r, c] - log(exp(logits[r, c]) + sum over negatives of row r).
    """
    import torch

    negatives = logits.masked_fill(positives, float("-inf"))
    return logits - torch.logaddexp(logits, torch.logsumexp(negatives, dim=1, keepdim=True))


def contrastive_loss(products, attributes, logit_scale, labels):
    """Mean of the product->attribute and attribute->product losses over every positive of the batch.

    products (B, d) and attributes (A, d) are L2-normalised; labels (B, A) is 0/1.
    """
    positives = labels.bool()
    count = positives.sum().clamp(min=1)
    logits = logit_scale.exp().clamp(max=100) * products @ attributes.T
    rows = -(multi_positive_log_probs(logits, positives) * positives).sum() / count
    columns = -(multi_positive_log_probs(logits.T, positives.T) * positives.T).sum() / count
    return (rows + columns) / 2


def train_towers(product_vecs: np.ndarray, phrase_vecs: np.ndarray, labels: np.ndarray,
                 train_rows: Sequence[int], settings: TaggerSettings, *, progress: bool = False):
    """Train on the rows `train_rows` of `labels` (items x attributes, 0/1) that have a positive. Returns (model, losses)."""
    import torch
    from tqdm import tqdm

    settings.check()
    torch.manual_seed(settings.seed)
    torch.set_num_threads(settings.threads)
    rng = np.random.default_rng(settings.seed)
    rows = np.asarray(sorted(train_rows), dtype=np.int64)
    rows = rows[labels[rows].any(axis=1)]
    if len(rows) < 2 or labels[rows].sum() < 2:
        raise ValueError(f"the tagger needs at least 2 training items with positives, got {len(rows)}; check that "
                         "the positives' item ids are in the items table")
    model = build_towers(product_vecs.shape[1], phrase_vecs.shape[1], settings)
    products = torch.from_numpy(np.ascontiguousarray(product_vecs, dtype=np.float32))
    phrases = torch.from_numpy(np.ascontiguousarray(phrase_vecs, dtype=np.float32))
    targets = torch.from_numpy(np.ascontiguousarray(labels, dtype=np.float32))
    optimiser = torch.optim.AdamW(model.parameters(), lr=settings.lr, weight_decay=settings.weight_decay)
    batch = min(settings.batch_size, len(rows))
    steps_per_epoch = max(1, len(rows) // batch)
    total = steps_per_epoch * settings.epochs
    warmup = min(settings.warmup_steps, max(1, total // 10))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: (s + 1) / warmup if s < warmup else 0.5 * (1 + math.cos(math.pi * (s - warmup) / max(1, total - warmup))))
    losses: list[float] = []
    bar = tqdm(total=total, desc="train tagger", unit="step", disable=not progress)
    model.train()
    for _ in range(settings.epochs):
        order = rows[rng.permutation(len(rows))]
        epoch_loss = 0.0
        for step in range(steps_per_epoch):
            take = torch.from_numpy(order[step * batch:(step + 1) * batch])
            loss = contrastive_loss(model.encode_products(products[take]), model.encode_attributes(phrases),
                                    model.logit_scale, targets[take])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            with torch.no_grad():
                model.logit_scale.clamp_(max=math.log(100), min=0.0)
            epoch_loss += loss.item()
            bar.update(1)
        losses.append(epoch_loss / steps_per_epoch)
    bar.close()
    model.eval()
    return model, losses
