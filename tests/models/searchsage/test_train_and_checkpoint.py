"""A tiny end-to-end training on the synthetic log beats chance; checkpoints refuse another catalog."""

from dataclasses import replace

import numpy as np
import pytest

from engine.models.errors import CheckpointError
from engine.models.searchsage.checkpoint import (
    CatalogMismatchError,
    SearchSageMeta,
    catalog_hash,
    load_searchsage,
    save_searchsage,
)
from engine.models.searchsage.data import make_pairs
from engine.models.searchsage.enrichment import item_texts
from engine.models.searchsage.evaluate import corpus_recall, recall_at_k
from engine.models.searchsage.items import encode_items, encode_queries, item_features
from engine.models.searchsage.train import SearchSageSettings, fit
from tests.models.searchsage.synthetic_log import catalog, log, word_vectors

TINY = SearchSageSettings(epochs=6, batch_size=64, negatives=16, buckets=1 << 11, dim=32, temperature=0.1,
                          lr=1e-2, seed=1, threads=1)


def test_recall_at_k_counts_ties_against_the_positive():
    corpus = np.eye(3, dtype=np.float32)
    queries = np.array([[1, 0, 0], [0.5, 0.5, 0], [0, 0, 1]], np.float32)
    assert recall_at_k(queries, corpus, [0, 1, 0], k=1) == pytest.approx(1 / 3)  # a tie with row 0 is not a hit
    assert recall_at_k(queries, corpus, [0, 1, 0], k=2) == pytest.approx(2 / 3)


@pytest.fixture(scope="module")
def trained():
    rows = catalog()
    pairs = make_pairs(log(400), held_out_fraction=0.15, cap=1000)
    queries = sorted({q for q, _ in pairs.train_qi + pairs.held_out_qi} | {q for p in pairs.train_qq for q in p})
    index = {q: n for n, q in enumerate(queries)}
    vectors = word_vectors(queries)
    images = np.random.default_rng(0).standard_normal((len(rows), 8)).astype(np.float32)
    features = item_features([r["item_id"] for r in rows], item_texts(rows, "boards", {}), images, TINY.buckets)
    model, stats = fit(features, pairs, index, vectors, TINY)
    return rows, pairs, index, vectors, features, model, stats


def test_a_tiny_training_beats_chance_on_the_held_out_window(trained):
    rows, pairs, index, vectors, features, model, stats = trained
    row = {r["item_id"]: n for n, r in enumerate(rows)}
    items = encode_items(model.item, features)
    queries = encode_queries(model.query, vectors[[index[q] for q, _ in pairs.held_out_qi]])
    positives = [row[i] for _, i in pairs.held_out_qi]
    recall = corpus_recall(queries, items, positives, np.arange(len(rows)), k=3)
    chance = 3 / len(rows)
    assert stats.steps > 0 and np.isfinite(stats.final_loss)
    assert recall >= 5 * chance, f"Recall@3 {recall:.2f} is not well above chance {chance:.2f}"
    np.testing.assert_allclose(np.linalg.norm(items, axis=1), 1.0, rtol=1e-5)


def _meta(model, item_ids):
    return SearchSageMeta(model_name="searchsage", architecture=model.arch.to_dict(), text_model="fake-text",
                          image_model="", catalog_hash=catalog_hash(item_ids), settings=TINY.to_dict(), metrics={},
                          trained_seconds=1.0, train_pairs={})


def test_a_checkpoint_round_trips_and_refuses_another_catalog(trained, tmp_path):
    rows, pairs, index, vectors, features, model, _ = trained
    ids = [r["item_id"] for r in rows]
    path = tmp_path / "searchsage.safetensors"
    meta = save_searchsage(model, path, _meta(model, ids))
    loaded, got = load_searchsage(path, expected_catalog_hash=catalog_hash(reversed(ids)), home="/ws")
    assert got.checkpoint_sha256 == meta.checkpoint_sha256
    np.testing.assert_allclose(encode_items(loaded.item, features), encode_items(model.item, features), atol=1e-6)
    other = catalog_hash(ids[:-1] + ["p99"])
    with pytest.raises(CatalogMismatchError) as err:
        load_searchsage(path, expected_catalog_hash=other, home="/ws")
    message = str(err.value)
    assert meta.catalog_hash[:12] in message and other[:12] in message
    assert "workbench train searchsage --home /ws" in message


def test_a_damaged_checkpoint_is_refused(trained, tmp_path):
    rows, *_, model, _ = trained
    path = tmp_path / "searchsage.safetensors"
    save_searchsage(model, path, _meta(model, [r["item_id"] for r in rows]))
    path.write_bytes(path.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(CheckpointError, match="damaged or was replaced"):
        load_searchsage(path)


def test_settings_have_a_stable_text_form():
    assert SearchSageSettings.from_dict(replace(TINY, epochs=3).to_dict()) == replace(TINY, epochs=3)
