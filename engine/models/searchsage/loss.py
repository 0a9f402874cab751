"""Sampled softmax with logQ correction (Yi et al. 2019), as OmniSearchSage trains every task.

Row i's candidates are the batch's positives plus random catalog negatives; a candidate sampled with
probability q_j is over-represented as a negative by that much, so its logit is corrected:

    loss_i = -log softmax_j(s_ij / T - log q_j)[label_i]

Candidates masked out (the same item as row i's positive, in another column) take no part.
"""

from __future__ import annotations

import math

import torch
from torch.nn import functional as F


def sampled_softmax_loss(scores: torch.Tensor, log_q: torch.Tensor, labels: torch.Tensor,
                         temperature: float = 1.0, mask: torch.Tensor | None = None) -> torch.Tensor:
    """Mean over rows of the logQ-corrected softmax cross-entropy; scores (B, C), log_q (C,), labels (B,)."""
    if scores.ndim != 2 or log_q.shape != (scores.shape[1],) or labels.shape != (scores.shape[0],):
        raise ValueError(f"scores must be (B, C) with log_q (C,) and labels (B,); got {tuple(scores.shape)}, "
                         f"{tuple(log_q.shape)}, {tuple(labels.shape)}")
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    logits = scores / temperature - log_q[None, :]
    if mask is not None:
        logits = logits.masked_fill(mask, float("-inf"))
    return F.cross_entropy(logits, labels)


def in_batch_log_q(frequencies: torch.Tensor, total: int, batch_size: int) -> torch.Tensor:
    """log q of in-batch positives: an item with f of the `total` training pairs lands in a batch of
    `batch_size` pairs with probability about batch_size * f / total."""
    return torch.log(batch_size * frequencies.float() / total)


def uniform_log_q(n_negatives: int, catalog_size: int) -> float:
    """log q of a uniform random catalog negative (n drawn from catalog_size items)."""
    return math.log(n_negatives / catalog_size)
