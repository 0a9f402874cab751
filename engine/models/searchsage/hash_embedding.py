"""Hash embeddings: two stable hashes per token into one shared table, mixed by learned per-token weights.

A token t has rows h1(t), h2(t) of the table E (B rows) and a row hw(t) of the weight table W (B x 2)
(see token_hash.py): its vector is W[hw,0]*E[h1] + W[hw,1]*E[h2], and a text's vector is the sum over
its tokens (two `embedding_bag` sums with per-sample weights).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from engine.models.searchsage.token_hash import SALTS, pack, stable_hash, token_rows

__all__ = ["SALTS", "HashEmbedding", "pack", "stable_hash", "token_rows"]


class HashEmbedding(nn.Module):
    """Sum of a text's token vectors, each two hashed rows mixed by learned per-token importance weights.

    The table's gradient is sparse (only the rows a batch touched), for torch.optim.SparseAdam.
    """

    def __init__(self, buckets: int, dim: int):
        super().__init__()
        self.buckets, self.dim = buckets, dim
        self.table = nn.Parameter(torch.randn(buckets, dim) * 0.05)
        self.weights = nn.Parameter(torch.full((buckets, 2), 0.5))

    def forward(self, rows: torch.Tensor, offsets: torch.Tensor, counts: torch.Tensor | None = None) -> torch.Tensor:
        """rows (n, 3) long, offsets (texts,) long, counts (n,) how often each row's token occurs -> (texts, dim)."""
        w = self.weights[rows[:, 2]]
        if counts is not None:
            w = w * counts[:, None]
        first = F.embedding_bag(rows[:, 0], self.table, offsets, mode="sum", per_sample_weights=w[:, 0], sparse=True)
        second = F.embedding_bag(rows[:, 1], self.table, offsets, mode="sum", per_sample_weights=w[:, 1],
                                 sparse=True)
        return first + second
