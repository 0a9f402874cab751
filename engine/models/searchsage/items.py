"""An item's inputs to the item tower (hashed token rows of its text, its image vector), and batch encoding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from engine.models.searchsage.token_hash import pack, token_rows
from engine.models.searchsage.tokenize import all_tokens


@dataclass(frozen=True)
class ItemFeatures:
    item_ids: list[str]
    rows: list[np.ndarray]  # per item: (distinct tokens, 3) hashed rows of its text
    counts: list[np.ndarray]  # per item: (distinct tokens,) how often each occurs (summed once, weighted)
    images: np.ndarray  # (items, image_dim) float32 open_clip image vectors (zeros where an item has none)


def item_features(item_ids: Sequence[str], texts: Sequence[str], images: np.ndarray, buckets: int) -> ItemFeatures:
    if not (len(item_ids) == len(texts) == len(images)):
        raise ValueError(f"{len(item_ids)} item ids, {len(texts)} texts and {len(images)} image vectors do not "
                         "line up; give one of each per item")
    distinct = [_distinct(token_rows(all_tokens(t), buckets)) for t in texts]
    return ItemFeatures(list(item_ids), [r for r, _ in distinct], [c for _, c in distinct],
                        np.asarray(images, np.float32))


def _distinct(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if not len(rows):
        return rows, np.zeros(0, np.float32)
    unique, counts = np.unique(rows, axis=0, return_counts=True)
    return unique, counts.astype(np.float32)


def batch_inputs(features: ItemFeatures, index: np.ndarray) -> tuple[torch.Tensor, ...]:
    """(rows, offsets, counts, images) tensors of the items at `index`, for ItemEncoder.forward."""
    flat, offsets = pack([features.rows[i] for i in index])
    counts = np.concatenate([features.counts[i] for i in index]) if len(index) else np.zeros(0, np.float32)
    return (torch.from_numpy(flat), torch.from_numpy(offsets), torch.from_numpy(counts),
            torch.from_numpy(features.images[index]))


def encode_items(item_tower, features: ItemFeatures, batch_size: int = 512) -> np.ndarray:
    """(items, dim) L2-normalised item embeddings."""
    out = []
    with torch.no_grad():
        for start in range(0, len(features.item_ids), batch_size):
            index = np.arange(start, min(start + batch_size, len(features.item_ids)))
            out.append(item_tower(*batch_inputs(features, index)).numpy())
    return np.concatenate(out).astype(np.float32) if out else np.empty((0, 0), np.float32)


def encode_queries(query_tower, text_vectors: np.ndarray) -> np.ndarray:
    """(queries, dim) L2-normalised query embeddings from the frozen text model's vectors."""
    with torch.no_grad():
        return query_tower(torch.from_numpy(np.asarray(text_vectors, np.float32).reshape(
            -1, query_tower.project.in_features))).numpy()
