"""The student on a separable case, its checkpoint's catalog refusal, and the registered `learned` scorer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.features.relevance import get_relevance_scorer
from engine.index.columns import CLIP_TEXT_VEC, IMAGE_VEC, TEXT_VEC
from engine.models.errors import CheckpointError, ModelMismatchError
from engine.models.relevance.checkpoint import StudentMeta, catalog_hash, load_student, save_student
from engine.models.relevance.features import ItemSide, QuerySide, context_features, pair_features
from engine.models.relevance.student import StudentSettings, train_student
from engine.records import Query, UnderstoodQuery


def separable(n=200, seed=0):
    rng = np.random.default_rng(seed)
    grades = rng.integers(0, 5, n)
    x = np.column_stack([grades + 0.1 * rng.standard_normal(n), rng.standard_normal(n)]).astype(np.float32)
    return x, np.eye(5, dtype=np.float32)[grades], grades


def test_the_student_learns_a_separable_case():
    x, y, grades = separable()
    student = train_student(x, y, StudentSettings(hidden=16, epochs=150, lr=0.05))
    assert (student.probabilities(x).argmax(axis=1) == grades).mean() >= 0.95
    expected = student.expected_grade(x)
    assert np.all((expected >= 0) & (expected <= 4)) and np.corrcoef(expected, grades)[0, 1] > 0.95


def test_pair_features_by_hand():
    q = QuerySide(np.array([1.0, 0.0], np.float32), np.array([0.0, 1.0], np.float32), np.array([1.0, 0.0], np.float32),
                  {"color": "blue", "category": "shirt"}, {"color": "red"})
    items = ItemSide(np.array([[0.6, 0.8]], np.float32), np.array([[0.0, 1.0]], np.float32),
                     np.array([[0.8, 0.6]], np.float32), [{"color": "red", "category": "shirt"}])
    # text product (0.6, 0), cos_text 0.6, cos_clip_text 1, cos_text_image 0.6, reference image 0.8,
    # reference agreement 1/2 (category only), target agreement 1
    assert pair_features(q, items)[0].tolist() == pytest.approx([0.6, 0.0, 0.6, 1.0, 0.6, 0.8, 0.5, 1.0])


ITEMS = ["a", "b", "c"]
VECS = {TEXT_VEC: np.eye(3, 4, dtype=np.float32), CLIP_TEXT_VEC: np.eye(3, 2, dtype=np.float32),
        IMAGE_VEC: np.array([[1, 0], [0, 1], [0.6, 0.8]], np.float32)}


class FakeSearcher:
    def __init__(self, matrix):
        self.matrix, self.dim = matrix, matrix.shape[1]

    def vectors(self, ids):
        return self.matrix[[ITEMS.index(i) for i in ids]], np.ones(len(ids), bool)


class FakeReader:
    def read_items(self, ids):
        return [{"color": ("red" if i == "a" else "blue", 0.9)} for i in ids]


class FakeContext:
    """What the learned scorer touches of a SearchContext, with stored vectors by hand."""

    def __init__(self, root: Path, items=ITEMS):
        self.workspace = type("W", (), {"root": root, "models_dir": root / "models"})()
        self.items = {i: {} for i in items}
        self.cache = {"attribute_reader": FakeReader()}

    def searcher(self, column):
        return FakeSearcher(VECS[column])

    def cached_text_vector(self, model, text):
        return np.array([1, 0, 0, 0], np.float32) if model == "minilm" else np.array([1, 0], np.float32)

    def reference_vector(self, understood):
        return np.array([0, 1], np.float32)


UNDERSTOOD = UnderstoodQuery(Query(text="in red", item_id="b"), "pivot", {"color": "red"}, {"color": "blue"},
                             {"color": 0.9}, "red")


def tiny_checkpoint(path: Path, items=ITEMS):
    x, y, _ = separable(50)
    features = np.zeros((50, 10), np.float32)
    features[:, 0] = x[:, 0]  # grade lives in the text product of the first dimension
    student = train_student(features, y, StudentSettings(hidden=8, epochs=200, lr=0.02))
    meta = StudentMeta(feature_dim=10, hidden=8, data_hash=catalog_hash(items), text_model="t", clip_model="c",
                       source="all", settings={}, metrics={})
    return student, save_student(student, path, meta)


def test_a_checkpoint_from_another_catalog_is_refused(tmp_path):
    path = tmp_path / "relevance-student.safetensors"
    student, meta = tiny_checkpoint(path)
    loaded, _ = load_student(path, data_hash=catalog_hash(["c", "b", "a"]))
    assert np.allclose(loaded.w1, student.w1)
    with pytest.raises(ModelMismatchError, match="another catalog.*workbench train relevance"):
        load_student(path, data_hash=catalog_hash(["a", "b"]))


def test_the_learned_scorer_is_registered_and_scores_expected_grade_over_four(tmp_path):
    scorer = get_relevance_scorer("learned")
    context = FakeContext(tmp_path)
    student, _ = tiny_checkpoint(tmp_path / "models" / "relevance-student.safetensors")
    got = scorer.score(context, UNDERSTOOD, ["a", "c"])
    features = context_features(context, UNDERSTOOD, ["a", "c"])
    assert features.shape == (2, 10)
    assert got.tolist() == pytest.approx((student.expected_grade(features) / 4).tolist(), abs=1e-6)
    assert np.all((got >= 0) & (got <= 1)) and got[0] > got[1]  # a's text vector aligns with the query's
    assert "relevance_student" in context.cache


def test_the_learned_scorer_without_a_checkpoint_names_the_command(tmp_path):
    with pytest.raises(CheckpointError, match="workbench train relevance"):
        get_relevance_scorer("learned").score(FakeContext(tmp_path), UNDERSTOOD, ["a"])
