"""The student on a separable case, its checkpoint's catalog refusal, and the registered `learned` scorer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.features.relevance import get_relevance_scorer
from engine.index.columns import CLIP_TEXT_VEC, IMAGE_VEC, TEXT_VEC
from engine.models.errors import CheckpointError, ModelMismatchError
from engine.models.relevance.checkpoint import StudentMeta, catalog_hash, load_student, save_student
from engine.models.relevance.features import (FEATURE_VERSION, SCALAR_FEATURES, ItemSide, QuerySide, context_features,
                                              dominant_values, feature_count, match_features, pair_features,
                                              text_mentions)
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
    # a pivot "the blue cotton shirt, in red": one item is a red cotton shirt, its text says "red" twice, "blue" once
    q = QuerySide(np.array([1.0, 0.0], np.float32), np.array([0.0, 1.0], np.float32), np.array([1.0, 0.0], np.float32),
                  {"color": "blue", "category": "shirt", "material": "cotton"}, {"category": "shirt", "color": "red"},
                  "pivot", "category", ("category", "color", "material"), {"category": "shirt", "material": "silk"})
    items = ItemSide(np.array([[0.6, 0.8]], np.float32), np.array([[0.0, 1.0]], np.float32),
                     np.array([[0.8, 0.6]], np.float32), [{"color": "red", "category": "shirt", "material": "cotton"}],
                     [{"color": {"red": 2, "blue": 1}, "material": {"silk": 1, "cotton": 1}}])
    got = dict(zip(SCALAR_FEATURES, pair_features(q, items)[0].tolist()))
    assert len(got) == feature_count() == len(SCALAR_FEATURES)
    # similarities: cos_text 0.6, clip text 1, text-image 0.6, reference image 0.8; reference readings shared 2 of 3
    # (category, material), targets 2 of 2
    assert [got[n] for n in SCALAR_FEATURES[:6]] == pytest.approx([0.6, 1.0, 0.6, 0.8, 2 / 3, 1.0])
    # by readings: a pivot with a reference, type shirt matched, aspect color red matched and read; kept: material
    assert [got[n] for n in SCALAR_FEATURES[6:20]] == pytest.approx(
        [1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1])
    # by texts: the reference's text says silk (over its cotton reading); the item's text names red in 2 of 3 colour
    # mentions and silk in 1 of 2 material ones; category unmentioned: its reading (shirt) matches
    assert [got[n] for n in SCALAR_FEATURES[20:]] == pytest.approx([1, 2 / 3, 1, 0.5, 0.5, 0.5])


def test_match_features_say_what_the_grade_rule_asks():
    """A descriptor "more of this pattern" over a striped cotton shirt: the same-type striped item, an item of the
    right pattern in another type, and one that shares nothing are told apart by the match columns alone."""
    q = QuerySide(np.zeros(2, np.float32), np.zeros(2, np.float32), None,
                  {"category": "shirt", "pattern": "striped", "material": "cotton"},
                  {"category": "shirt", "pattern": "striped"}, "descriptor", "category", None)
    readings = [{"category": "shirt", "pattern": "striped", "material": "cotton"},
                {"category": "dress", "pattern": "striped", "material": "silk"},
                {"category": "skirt", "pattern": "floral"}]
    got = match_features(q, readings)
    columns = {n: got[:, k].tolist() for k, n in enumerate(SCALAR_FEATURES[6:20])}
    assert columns["is_descriptor"] == [1, 1, 1] and columns["has_reference"] == [1, 1, 1]  # read, though no vector
    assert columns["type_match"] == [1, 0, 0] and columns["aspect_match"] == [1, 1, 0]
    assert columns["kept_total"] == [1, 1, 1] and columns["kept_match"] == [1, 0, 0]
    assert columns["kept_miss"] == [0, 1, 0] and columns["type_and_aspect"] == [1, 0, 0]


def test_text_mentions_count_surface_forms_by_family():
    from engine.query.lexicon import Entry, Lexicon

    lexicon = Lexicon({"red": Entry("value", "color", "red"), "crimson": Entry("value", "color", "red"),
                       "blue": Entry("value", "color", "blue"), "silk": Entry("value", "material", "silk"),
                       "more": Entry("cue")}, ("color", "material"))
    said = text_mentions(lexicon, "Crimson silk top. More red than blue, red trim.")
    assert said == {"color": {"red": 3, "blue": 1}, "material": {"silk": 1}}
    assert dominant_values(said) == {"color": "red", "material": "silk"}
    assert text_mentions(lexicon, None) == {} and text_mentions(None, "red") == {}


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
    features = np.zeros((50, feature_count()), np.float32)
    features[:, 0] = x[:, 0]  # grade lives in the first column (cos_text)
    student = train_student(features, y, StudentSettings(hidden=8, epochs=200, lr=0.02))
    meta = StudentMeta(feature_dim=feature_count(), hidden=8, data_hash=catalog_hash(items), text_model="t",
                       clip_model="c", source="all", settings={}, metrics={})
    return student, save_student(student, path, meta)


def test_a_checkpoint_from_another_catalog_is_refused(tmp_path):
    path = tmp_path / "relevance-student.safetensors"
    student, meta = tiny_checkpoint(path)
    loaded, _ = load_student(path, data_hash=catalog_hash(["c", "b", "a"]))
    assert np.allclose(loaded.w1, student.w1)
    with pytest.raises(ModelMismatchError, match="another catalog.*workbench train relevance"):
        load_student(path, data_hash=catalog_hash(["a", "b"]))


@pytest.mark.parametrize("recorded", [None, 1])
def test_a_checkpoint_of_another_feature_layout_is_refused_with_the_retrain_command(tmp_path, recorded):
    """Metadata without a layout (written before layouts were versioned) or with an older one is refused."""
    import json

    from engine.models.checkpoint_files import meta_path

    path = tmp_path / "relevance-student.safetensors"
    tiny_checkpoint(path)
    assert load_student(path)[1].feature_version == FEATURE_VERSION
    record = json.loads(meta_path(path).read_text())
    if recorded is None:
        del record["feature_version"]
    else:
        record["feature_version"] = recorded
    meta_path(path).write_text(json.dumps(record))
    with pytest.raises(ModelMismatchError, match="feature layout 1 .*workbench train relevance"):
        load_student(path)


def test_row_weights_steer_the_student():
    """Two contradicting copies of each row: the heavier copy's grade wins; a zero weight leaves a row out."""
    x, y, grades = separable(100)
    flipped = np.eye(5, dtype=np.float32)[4 - grades]
    features, targets = np.concatenate([x, x]), np.concatenate([y, flipped])
    settings = StudentSettings(hidden=16, epochs=150, lr=0.05)
    for weights, wanted in ((np.r_[np.ones(100), np.zeros(100)], grades), (np.r_[np.ones(100) * 0.1, np.ones(100)],
                                                                           4 - grades)):
        student = train_student(features, targets, settings, weights=weights.astype(np.float32))
        assert (student.probabilities(x).argmax(axis=1) == wanted).mean() >= 0.9
    with pytest.raises(ValueError, match="weight"):
        train_student(x, y, settings, weights=np.zeros(100, np.float32))


def test_the_learned_scorer_is_registered_and_scores_expected_grade_over_four(tmp_path):
    scorer = get_relevance_scorer("learned")
    context = FakeContext(tmp_path)
    student, _ = tiny_checkpoint(tmp_path / "models" / "relevance-student.safetensors")
    got = scorer.score(context, UNDERSTOOD, ["a", "c"])
    features = context_features(context, UNDERSTOOD, ["a", "c"])
    assert features.shape == (2, feature_count())
    assert got.tolist() == pytest.approx((student.expected_grade(features) / 4).tolist(), abs=1e-6)
    assert np.all((got >= 0) & (got <= 1)) and got[0] > got[1]  # a's text vector aligns with the query's
    assert "relevance_student" in context.cache


def test_the_learned_scorer_without_a_checkpoint_names_the_command(tmp_path):
    with pytest.raises(CheckpointError, match="workbench train relevance"):
        get_relevance_scorer("learned").score(FakeContext(tmp_path), UNDERSTOOD, ["a"])
