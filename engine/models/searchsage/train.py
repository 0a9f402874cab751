"""Multi-task training of both towers: query-item, query-query and the compatibility task, logQ-corrected."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import numpy as np
import torch

from engine.models.searchsage.data import PairSet, pair_frequencies
from engine.models.searchsage.items import ItemFeatures, batch_inputs
from engine.models.searchsage.loss import in_batch_log_q, sampled_softmax_loss, uniform_log_q
from engine.models.searchsage.model import SearchSage, SearchSageArchitecture


@dataclass(frozen=True)
class SearchSageSettings:
    epochs: int = 3  # passes over the query-item pairs
    batch_size: int = 256  # query-item (and query-query) pairs per step
    negatives: int = 128  # random catalog negatives per step, shared by the batch
    temperature: float = 0.05  # softmax temperature over cosine similarities
    lr: float = 2e-3  # Adam learning rate
    cap_per_item: int = 50  # query-item pairs kept per item (against popularity bias)
    held_out_fraction: float = 0.15  # the last share of the log by time, held out for evaluation
    query_query_weight: float = 0.5  # weight of the query-query (refinement) task
    compatibility_weight: float = 0.5  # weight of the query -> frozen image embedding task
    enrichment: str = "queries"  # item text level: own, boards, queries (see enrichment.py)
    dim: int = 256  # the shared embedding dimension
    buckets: int = 1 << 15  # hash table rows
    eval_corpus: int = 1000  # random catalog items in the Recall@10 corpus (plus the held-out positives)
    seed: int = 0
    threads: int = 2  # torch CPU threads while training

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> SearchSageSettings:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class FitStats:
    seconds: float
    steps: int
    final_loss: float
    qi_pairs: int
    qq_pairs: int


def _duplicates(ids: torch.Tensor, columns: torch.Tensor) -> torch.Tensor:
    """(B, C) mask of columns holding row i's own positive anywhere but in column i (not a negative)."""
    mask = ids[:, None] == columns[None, :]
    mask[torch.arange(len(ids)), torch.arange(len(ids))] = False
    return mask


def fit(features: ItemFeatures, pairs: PairSet, query_index: dict[str, int], query_vectors: np.ndarray,
        settings: SearchSageSettings, *, progress: bool = False) -> tuple[SearchSage, FitStats]:
    """Train a SearchSage on the pairs; queries are looked up in `query_vectors` via `query_index`."""
    started = time.perf_counter()
    threads = torch.get_num_threads()
    torch.set_num_threads(settings.threads)
    try:
        return _fit(features, pairs, query_index, query_vectors, settings, progress, started)
    finally:
        torch.set_num_threads(threads)  # leave the process as it was (tests and the app share it)


def _fit(features, pairs, query_index, query_vectors, settings, progress, started):
    torch.manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    item_row = {item: n for n, item in enumerate(features.item_ids)}
    qi = np.array([(query_index[q], item_row[i]) for q, i in pairs.train_qi if i in item_row], np.int64)
    qq = np.array([(query_index[a], query_index[b]) for a, b in pairs.train_qq], np.int64).reshape(-1, 2)
    if len(qi) < 2:
        raise ValueError(f"only {len(qi)} query-item pairs name items of this catalog; at least 2 are needed "
                         "to train: is the search log from this catalog?")
    n_items = len(features.item_ids)
    arch = SearchSageArchitecture(text_dim=query_vectors.shape[1], image_dim=features.images.shape[1],
                                  dim=settings.dim, buckets=settings.buckets)
    model = SearchSage(arch)
    table = model.item.tokens.table  # sparse gradients: only the rows a batch touched are updated
    optimizers = (torch.optim.SparseAdam([table], lr=settings.lr),
                  torch.optim.Adam([p for p in model.parameters() if p is not table], lr=settings.lr))
    qv = torch.from_numpy(np.asarray(query_vectors, np.float32))
    images = torch.from_numpy(features.images)
    freq = torch.from_numpy(pair_frequencies([(q, features.item_ids[i]) for q, i in qi], features.item_ids))
    batch = min(settings.batch_size, len(qi))
    negatives = min(settings.negatives, n_items)
    neg_log_q = uniform_log_q(negatives, n_items)
    steps, loss_value, qq_cursor = 0, float("nan"), 0
    qq_order = rng.permutation(len(qq))
    for epoch in range(settings.epochs):
        order = rng.permutation(len(qi))
        for start in range(0, len(order) - batch + 1, batch):
            chunk = qi[order[start:start + batch]]
            pos = torch.from_numpy(chunk[:, 1])
            neg = torch.from_numpy(rng.integers(0, n_items, negatives))
            columns = torch.cat([pos, neg])
            log_q = torch.cat([in_batch_log_q(freq[pos], len(qi), batch), torch.full((negatives,), neg_log_q)])
            mask = _duplicates(pos, columns)
            q = model.query(qv[torch.from_numpy(chunk[:, 0])])
            items = model.item(*batch_inputs(features, columns.numpy()))
            labels = torch.arange(batch)
            loss = sampled_softmax_loss(q @ items.T, log_q, labels, settings.temperature, mask)
            if settings.compatibility_weight:
                compat = model.query.image_space(q) @ images[columns].T
                loss = loss + settings.compatibility_weight * sampled_softmax_loss(
                    compat, log_q, labels, settings.temperature, mask)
            if settings.query_query_weight and len(qq) >= 2:
                take = qq_order[np.arange(qq_cursor, qq_cursor + min(batch, len(qq))) % len(qq)]
                qq_cursor += len(take)
                a, b = torch.from_numpy(qq[take, 0]), torch.from_numpy(qq[take, 1])
                scores = model.query(qv[a]) @ model.query(qv[b]).T
                loss = loss + settings.query_query_weight * sampled_softmax_loss(
                    scores, torch.zeros(len(take)), torch.arange(len(take)), settings.temperature,
                    _duplicates(b, b))
            for optimizer in optimizers:
                optimizer.zero_grad()
            loss.backward()
            for optimizer in optimizers:
                optimizer.step()
            steps, loss_value = steps + 1, float(loss.detach())
        if progress:
            print(f"searchsage epoch {epoch + 1}/{settings.epochs}: loss {loss_value:.3f} "
                  f"({time.perf_counter() - started:.0f}s)", flush=True)
    model.eval()
    return model, FitStats(time.perf_counter() - started, steps, loss_value, len(qi), len(qq))
