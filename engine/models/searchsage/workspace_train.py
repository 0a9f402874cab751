"""Train SearchSage for a workspace: read its items and search log, train, measure, save, write `learned_vec`."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.index.columns import IMAGE_VEC, recorded_identity
from engine.index.store import open_items_table, read_columns
from engine.models.searchsage.checkpoint import SearchSageMeta, catalog_hash, save_searchsage, workspace_checkpoint
from engine.models.searchsage.data import PairSet, load_search_log, make_pairs
from engine.models.searchsage.enrichment import ENRICHMENT_LEVELS, ITEM_TEXT_COLUMNS, check_level, item_texts
from engine.models.searchsage.evaluate import corpus_recall, eval_corpus
from engine.models.searchsage.item_column import learned_identity, write_learned_vectors
from engine.models.searchsage.items import encode_items, encode_queries, item_features
from engine.models.searchsage.train import FitStats, SearchSageSettings, fit


@dataclass(frozen=True)
class Prepared:
    """What every training run on one workspace shares: items, pairs, frozen query vectors, the eval corpus."""

    rows: list[dict]  # ITEM_TEXT_COLUMNS of each item, in table order
    item_ids: list[str]
    images: np.ndarray  # (items, image_dim) image_vec, zeros where missing
    image_model: str  # identity key recorded on image_vec
    pairs: PairSet
    query_index: dict[str, int]  # query text -> row of query_vectors
    query_vectors: np.ndarray  # frozen text-model vectors of every query the tasks use
    held_queries: list[int]  # per held-out pair: its row of query_vectors
    held_items: list[int]  # per held-out pair: its catalog row (pairs naming unknown items are dropped)
    corpus: np.ndarray  # catalog rows of the Recall@10 corpus


@dataclass(frozen=True)
class Measured:
    model: object
    item_vectors: np.ndarray
    stats: FitStats
    metrics: dict  # recall@10 learned / baseline, held-out pairs, corpus size


def item_rows_and_images(table) -> tuple[list[dict], np.ndarray]:
    """The items' ITEM_TEXT_COLUMNS rows and their image_vec matrix (zeros where an item has none), in table order."""
    if IMAGE_VEC not in table.schema.names:
        raise FileNotFoundError("the items table has no image_vec column; run `workbench index` first")
    data = read_columns(table, ITEM_TEXT_COLUMNS + [IMAGE_VEC])
    images = np.zeros((data.num_rows, table.schema.field(IMAGE_VEC).type.list_size), np.float32)
    for n, v in enumerate(data.column(IMAGE_VEC).to_pylist()):
        if v is not None:
            images[n] = v
    return data.select(ITEM_TEXT_COLUMNS).to_pylist(), images


def prepare(table, search_log: Path, text_encoder, settings: SearchSageSettings) -> Prepared:
    rows, images = item_rows_and_images(table)
    item_ids = [r["item_id"] for r in rows]
    pairs = make_pairs(load_search_log(search_log), held_out_fraction=settings.held_out_fraction,
                       cap=settings.cap_per_item)
    queries = list(dict.fromkeys([q for q, _ in pairs.train_qi] + [q for p in pairs.train_qq for q in p]
                                 + [q for q, _ in pairs.held_out_qi]))
    query_index = {q: n for n, q in enumerate(queries)}
    row = {item: n for n, item in enumerate(item_ids)}
    held = [(query_index[q], row[i]) for q, i in pairs.held_out_qi if i in row]
    if not held:
        raise ValueError("no held-out engagement names an item of this catalog; is the search log from it?")
    identity = recorded_identity(table.schema, IMAGE_VEC)
    return Prepared(rows, item_ids, images, identity.key() if identity else "", pairs, query_index,
                    text_encoder.encode(queries), [q for q, _ in held], [i for _, i in held],
                    eval_corpus(len(item_ids), [i for _, i in held], settings.eval_corpus, settings.seed))


def train_and_measure(prepared: Prepared, settings: SearchSageSettings, *, progress: bool = False) -> Measured:
    """Fit at the settings' enrichment level; Recall@10 of the held-out pairs over the corpus."""
    texts = item_texts(prepared.rows, check_level(settings.enrichment), prepared.pairs.engaged_queries)
    features = item_features(prepared.item_ids, texts, prepared.images, settings.buckets)
    model, stats = fit(features, prepared.pairs, prepared.query_index, prepared.query_vectors, settings,
                       progress=progress)
    items = encode_items(model.item, features)
    queries = encode_queries(model.query, prepared.query_vectors[prepared.held_queries])
    recall = corpus_recall(queries, items, prepared.held_items, prepared.corpus)
    return Measured(model, items, stats, {"recall@10": recall, "held_out_pairs": len(prepared.held_items),
                                          "corpus": len(prepared.corpus)})


def baseline_recall(prepared: Prepared, text_encoder, level: str) -> float:
    """Recall@10 of the text model alone: its query vector against its vector of the item's text at `level`."""
    texts = item_texts([prepared.rows[r] for r in prepared.corpus], check_level(level), prepared.pairs.engaged_queries)
    corpus_vectors = np.zeros((len(prepared.item_ids), prepared.query_vectors.shape[1]), np.float32)
    corpus_vectors[prepared.corpus] = text_encoder.encode(texts)
    return corpus_recall(prepared.query_vectors[prepared.held_queries], corpus_vectors, prepared.held_items,
                         prepared.corpus)


@dataclass(frozen=True)
class SearchSageReport:
    checkpoint: Path
    seconds: float  # training time (fit only)
    total_seconds: float  # everything: reading, encoding queries, training, measuring, writing
    metrics: dict
    pairs: dict
    measured: Measured | None = None  # the trained model, item vectors and fit statistics

    def summary(self) -> str:
        m = self.metrics
        return (f"trained SearchSage in {self.seconds:.1f}s ({self.total_seconds:.1f}s in all) on "
                f"{self.pairs['query_item']} query-item and {self.pairs['query_query']} query-query pairs\n"
                f"held-out Recall@10 ({m['held_out_pairs']} pairs, corpus {m['corpus']}): learned "
                f"{m['recall@10']:.3f} vs MiniLM baseline {m['baseline_recall@10']:.3f}\n"
                f"wrote {self.checkpoint} and the learned_vec column")


def train_workspace(workspace, search_log: Path, settings: SearchSageSettings, text_encoder, *,
                    out: Path | None = None, progress: bool = False, prepared: Prepared | None = None
                    ) -> SearchSageReport:
    """Train, measure against the baseline, save the checkpoint and write every item's `learned_vec`
    (`prepared`: reuse what an earlier `prepare` of this workspace and log read and encoded)."""
    started = time.perf_counter()
    table = open_items_table(workspace)
    prepared = prepared or prepare(table, search_log, text_encoder, settings)
    measured = train_and_measure(prepared, settings, progress=progress)
    metrics = dict(measured.metrics, **{"baseline_recall@10": baseline_recall(prepared, text_encoder,
                                                                               settings.enrichment)})
    pairs = {"query_item": measured.stats.qi_pairs, "query_query": measured.stats.qq_pairs,
             "held_out": len(prepared.held_items)}
    path = Path(out) if out else workspace_checkpoint(workspace.create())
    meta = save_searchsage(measured.model, path, SearchSageMeta(
        model_name="searchsage", architecture=measured.model.arch.to_dict(),
        text_model=text_encoder.identity.key(), image_model=prepared.image_model,
        catalog_hash=catalog_hash(prepared.item_ids), settings=settings.to_dict(), metrics=metrics,
        trained_seconds=round(measured.stats.seconds, 2), train_pairs=pairs))
    write_learned_vectors(table, prepared.item_ids, measured.item_vectors,
                          learned_identity(path, meta.checkpoint_sha256, measured.model.arch.dim))
    return SearchSageReport(path, measured.stats.seconds, time.perf_counter() - started, metrics, pairs, measured)


def write_learned_from_checkpoint(workspace, checkpoint: Path, search_log: Path) -> int:
    """Write every item's `learned_vec` with a checkpoint trained elsewhere on this very catalog and log (the
    demo's committed model): the item tower over the same features as at training; the number of items."""
    from engine.models.searchsage.checkpoint import load_searchsage

    table = open_items_table(workspace)
    rows, images = item_rows_and_images(table)
    item_ids = [r["item_id"] for r in rows]
    model, meta = load_searchsage(checkpoint, expected_catalog_hash=catalog_hash(item_ids), home=workspace.root)
    image_model = recorded_identity(table.schema, IMAGE_VEC)
    if meta.image_model and (image_model is None or image_model.key() != meta.image_model):
        raise ValueError(f"searchsage checkpoint {checkpoint} was trained on image vectors of {meta.image_model}, "
                         f"not this index's ({image_model.key() if image_model else 'none'}); train it here with "
                         f"`workbench train searchsage --home {workspace.root}`")
    settings = SearchSageSettings.from_dict(meta.settings)
    pairs = make_pairs(load_search_log(search_log), held_out_fraction=settings.held_out_fraction,
                       cap=settings.cap_per_item)
    texts = item_texts(rows, check_level(settings.enrichment), pairs.engaged_queries)
    vectors = encode_items(model.item, item_features(item_ids, texts, images, settings.buckets))
    return write_learned_vectors(table, item_ids, vectors,
                                 learned_identity(checkpoint, meta.checkpoint_sha256, model.arch.dim))



@dataclass(frozen=True)
class AblationRow:
    level: str  # enrichment level (each adds to the previous)
    baseline_recall: float  # MiniLM query vs MiniLM item text at this level
    learned_recall: float  # a SearchSage trained with item text at this level
    train_seconds: float


def enrichment_ablation(prepared: Prepared, settings: SearchSageSettings, text_encoder,
                        done: Measured | None = None) -> list[AblationRow]:
    """The seed's Table 4: retrain at each enrichment level (`done`: a run at settings.enrichment to reuse)."""
    from dataclasses import replace

    out = []
    for level in ENRICHMENT_LEVELS:
        measured = done if done is not None and level == settings.enrichment else \
            train_and_measure(prepared, replace(settings, enrichment=level))
        out.append(AblationRow(level, baseline_recall(prepared, text_encoder, level),
                               measured.metrics["recall@10"], measured.stats.seconds))
    return out
