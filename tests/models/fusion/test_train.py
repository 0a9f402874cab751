"""Training on synthetic embeddings where the composed target is learnable: it must beat image-only search."""

import hashlib
from itertools import product

import numpy as np
import pytest

from engine.models.fusion.evaluate import TargetIndex, held_out_metrics, ranking_metrics, top_k
from engine.models.fusion.train import CatalogVectors, FusionSettings, split_triplets, train_combiner
from engine.models.fusion.triplets import valid_descriptor_targets, valid_pivot_targets
from sample_data.workspace_vocabulary import fashion_vocabulary

VOCAB = fashion_vocabulary()

DIM = 32
VALUES = {"category": ["dress", "shirt", "pants"], "color": ["red", "blue", "black", "white", "green", "pink"],
          "pattern": ["solid", "striped", "floral"], "material": ["cotton", "linen"]}
SETTINGS = FusionSettings(epochs=30, batch_size=64, lr=3e-3, warmup_steps=10, proj_dim=32, hidden_dim=64,
                          dropout=0.0, per_reference=8, seed=0, threads=1)  # one thread: tiny model, shared cores


def seeded(key: str, scale=1.0):
    """A random vector fixed by a text key (SHA-256, the same in every process)."""
    seed = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    return scale * np.random.default_rng(seed).standard_normal(DIM)


def unit(v):
    return (v / np.linalg.norm(v, axis=-1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def synthetic():
    """Two items per attribute combination; an image is the sum of its values' vectors plus noise."""
    ids, vectors, attributes = [], [], {}
    for n, combo in enumerate(product(*VALUES.values())):
        attrs = dict(zip(VALUES, combo))
        for copy in range(2):
            item_id = f"s{n:03d}{copy}"
            ids.append(item_id)
            attributes[item_id] = attrs
            vectors.append(sum(seeded(f"{f}={v}") for f, v in attrs.items()) + seeded(f"noise {item_id}", 0.3))
    catalog = CatalogVectors(ids, unit(np.array(vectors)), attributes)
    train, held = split_triplets(catalog, SETTINGS, VOCAB)
    # A text's vector says what it asks for (the target value, or the named aspect), plus per-phrasing noise.
    texts = {}
    for t in (*train, *held):
        meaning = f"{t.family}={t.value}" if t.kind == "pivot" else f"aspect {t.family}"
        texts[t.text] = unit(seeded("text " + meaning) + seeded("phrasing " + t.text, 0.3))
    return catalog, train, held, texts


def test_held_out_references_are_not_training_references(synthetic):
    catalog, train, held, _ = synthetic
    assert {t.reference for t in train}.isdisjoint({t.reference for t in held})
    assert {t.target for t in train} <= {t.reference for t in train} | set(catalog.ids)
    assert 10 <= len({t.reference for t in held}) <= 40


def test_training_beats_image_only_and_late_fusion_on_held_out_pivots(synthetic):
    catalog, train, held, texts = synthetic
    model, _ = train_combiner(catalog, train, texts, SETTINGS)
    metrics = held_out_metrics(model, held, catalog, texts, VOCAB)
    assert metrics["pivot.early_fusion.p@10"] > metrics["pivot.image_only.p@10"] + 0.05
    assert metrics["pivot.early_fusion.hit@10"] > metrics["pivot.late_fusion.hit@10"]
    assert metrics["descriptor.early_fusion.p@10"] > metrics["descriptor.image_only.p@10"] + 0.05
    assert metrics["pivot.queries"] == sum(t.kind == "pivot" for t in held)
    again, _ = train_combiner(catalog, train, texts, SETTINGS)
    assert held_out_metrics(again, held, catalog, texts, VOCAB) == metrics  # fixed seeds


def test_target_index_agrees_with_the_brute_force_oracles(synthetic):
    catalog, _, held, _ = synthetic
    index = TargetIndex(catalog.attributes, VOCAB)
    for t in held:
        oracle = (valid_pivot_targets(catalog.attributes, VOCAB, t.reference, t.family, t.value) if t.kind == "pivot"
                  else valid_descriptor_targets(catalog.attributes, VOCAB, t.reference, t.family))
        assert index.valid(t) == oracle and t.target in oracle


def test_top_k_leaves_out_the_reference_and_matches_a_full_sort():
    vectors = unit(np.random.default_rng(0).standard_normal((30, 8)))
    got = top_k(vectors[:4], vectors, np.arange(4), k=10)
    for q in range(4):
        scores = vectors @ vectors[q]
        scores[q] = -np.inf
        assert list(got[q]) == list(np.argsort(-scores, kind="stable")[:10])


def test_ranking_metrics_by_hand():
    ranked = [["a", "b", "c"] + [f"x{i}" for i in range(7)], [f"y{i}" for i in range(10)]]
    got = ranking_metrics(ranked, [{"a", "c", "z"}, {"q"}], ["c", "q"])
    assert got == {"p@10": (2 / 10 + 0) / 2, "hit@10": 0.5, "exact@10": 0.5}
