"""The two towers: QueryEncoder (frozen MiniLM vector -> projection) and ItemEncoder (hash embeddings + image -> MLP).

Both end L2-normalised in one D-dimensional space, so a query and an item compare by dot product.
The query tower also has a `to_image` head into the open_clip space, trained by the compatibility task
(queries against the frozen image embeddings of the items they engaged with).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F

from engine.models.searchsage.hash_embedding import HashEmbedding


@dataclass(frozen=True)
class SearchSageArchitecture:
    text_dim: int  # the frozen query text model's dimension (MiniLM: 384)
    image_dim: int  # the items' open_clip image_vec dimension
    dim: int = 256  # the shared query/item space
    buckets: int = 1 << 15  # rows of the shared hash table (and of the per-token weight table)
    hash_dim: int = 64  # width of a token vector
    hidden: int = 512  # width of the item MLP's two hidden layers

    def to_dict(self) -> dict:
        return asdict(self)


class QueryEncoder(nn.Module):
    """A frozen text-model query vector -> a learned linear projection -> L2 norm."""

    def __init__(self, arch: SearchSageArchitecture):
        super().__init__()
        self.project = nn.Linear(arch.text_dim, arch.dim)
        self.to_image = nn.Linear(arch.dim, arch.image_dim)

    def forward(self, text_vectors: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.project(text_vectors), dim=-1)

    def image_space(self, query: torch.Tensor) -> torch.Tensor:
        """A query embedding mapped into the open_clip image space (the compatibility task's head)."""
        return F.normalize(self.to_image(query), dim=-1)


class ItemEncoder(nn.Module):
    """[hash-embedding sum of the enriched text's tokens ; image_vec] -> 3-layer MLP -> L2 norm."""

    def __init__(self, arch: SearchSageArchitecture):
        super().__init__()
        self.tokens = HashEmbedding(arch.buckets, arch.hash_dim)
        self.text_norm = nn.LayerNorm(arch.hash_dim)  # a sum over hundreds of tokens: keep its scale in check
        self.mlp = nn.Sequential(
            nn.Linear(arch.hash_dim + arch.image_dim, arch.hidden), nn.ReLU(),
            nn.Linear(arch.hidden, arch.hidden), nn.ReLU(),
            nn.Linear(arch.hidden, arch.dim),
        )

    def forward(self, rows: torch.Tensor, offsets: torch.Tensor, counts: torch.Tensor,
                image_vectors: torch.Tensor) -> torch.Tensor:
        text = self.text_norm(self.tokens(rows, offsets, counts))
        return F.normalize(self.mlp(torch.cat([text, image_vectors], dim=-1)), dim=-1)


class SearchSage(nn.Module):
    """Both towers in one module (one state dict, one checkpoint)."""

    def __init__(self, arch: SearchSageArchitecture):
        super().__init__()
        self.arch = arch
        self.query = QueryEncoder(arch)
        self.item = ItemEncoder(arch)
