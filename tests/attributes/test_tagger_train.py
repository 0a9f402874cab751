"""The tagger end to end on a tiny separable catalog: training recovers the attributes; checkpoint checks."""

import json
import math

import numpy as np
import pytest

from engine.attributes.records import CuratedVocabulary, ItemAttribute
from engine.attributes.tagger import attribute_list, embed_phrases, is_held_out, score_matrix
from engine.attributes.tagger_assign import read_tagged
from engine.attributes.tagger_checkpoint import check_compatible, load_tagger, meta_path, workspace_checkpoint
from engine.attributes.tagger_data import label_matrix, load_positives
from engine.attributes.tagger_eval import recall_at_k
from engine.attributes.tagger_run import assign_tagger, evaluate_tagger, run_tagger
from engine.attributes.tagger_train import contrastive_loss
from engine.index.store import open_items_table
from engine.models.errors import CheckpointError, ModelMismatchError
from tests.attributes.test_tagger_world import (SMALL, make_workspace, positives, vocabulary, workspace_vocabulary,
                                                world)
from tests.fakes import FakeText


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    rows, truth = world()
    workspace = make_workspace(tmp_path_factory.mktemp("tagger"), rows)
    encoder = FakeText(dim=6)
    report = run_tagger(workspace, vocabulary(), positives(truth), settings=SMALL, text_encoder=encoder,
                        workspace_vocabulary=workspace_vocabulary())
    return workspace, truth, encoder, report


def test_multi_positive_loss_matches_a_brute_force_oracle():
    import torch

    p = torch.tensor([[1.0, 0.0], [0.0, 1.0]])  # two items
    a = torch.tensor([[0.6, 0.8], [0.0, 1.0], [1.0, 0.0]])  # three attributes
    labels = torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])  # item 0: a0, a2; item 1: a1
    scale = torch.tensor(math.log(2.0))
    logits = 2 * (p @ a.T).numpy()

    def term(row, pos, negatives):  # -log softmax of the positive against the negatives only
        return -(row[pos] - np.log(np.exp(row[pos]) + sum(np.exp(row[n]) for n in negatives)))

    # product -> attribute: item 0's positives each against a1 (never against each other)
    forward = [term(logits[0], 0, [1]), term(logits[0], 2, [1]), term(logits[1], 1, [0, 2])]
    # attribute -> product: a0 and a2 against item 1, a1 against item 0
    backward = [term(logits[:, 0], 0, [1]), term(logits[:, 2], 0, [1]), term(logits[:, 1], 1, [0])]
    expected = (np.mean(forward) + np.mean(backward)) / 2
    assert float(contrastive_loss(p, a, scale, labels)) == pytest.approx(expected, rel=1e-5)


def test_a_positive_without_negatives_costs_nothing():
    import torch

    p = torch.tensor([[1.0, 0.0]])
    a = torch.tensor([[0.0, 1.0]])
    got = contrastive_loss(p, a, torch.tensor(0.0), torch.tensor([[1.0]]))
    assert float(got) == pytest.approx(0.0, abs=1e-6)


def test_trained_tagger_recovers_the_attributes_on_held_out_items(trained):
    workspace, truth, encoder, report = trained
    assert report.losses[-1] < report.losses[0] / 2
    model, meta = load_tagger(workspace_checkpoint(workspace))
    attributes = [tuple(a) for a in meta.attributes]
    ids = sorted(truth)
    held = [i for i in ids if is_held_out(i, SMALL.held_out_percent)]
    assert len(held) >= 25
    rows, _ = world()
    vectors = {r["item_id"]: r["image_vec"] + r["text_vec"] for r in rows}
    scores = score_matrix(model, np.array([vectors[i] for i in held], dtype=np.float32),
                          embed_phrases(encoder, attributes))
    col = {a: j for j, a in enumerate(attributes)}
    truth_cols = [{col[(f, v)] for f, v in truth[i].items()} for i in held]
    assert recall_at_k(scores, truth_cols, 2) >= 0.95  # the 2 best of 6 are the item's colour and category
    for family in ("color", "category"):
        assert report.metrics["per_family"][family]["recall"] >= 0.9
        assert report.metrics["per_family"][family]["precision"] >= 0.6


def test_run_writes_tagged_attributes_for_every_item_and_assign_reproduces_them(trained):
    workspace, truth, encoder, report = trained
    tagged = read_tagged(open_items_table(workspace))
    assert report.assigned_items == len(truth) == len(tagged)
    for item, labels in tagged.items():
        assert [t["family"] for t in labels] == sorted(t["family"] for t in labels)
        assert all(0 <= t["confidence"] <= 1 for t in labels)
        assert any(t["family"] == "category" for t in labels)  # the product type: always its top value
    written, assigned = assign_tagger(workspace, text_encoder=encoder, vocabulary=vocabulary())
    assert written == len(truth)
    again = read_tagged(open_items_table(workspace))
    assert again == tagged
    assert len(assigned) == sum(len(v) for v in tagged.values())


def test_evaluate_reproduces_the_training_metrics_and_report_is_json(trained):
    workspace, truth, encoder, report = trained
    again = evaluate_tagger(workspace, positives(truth), text_encoder=encoder)
    assert again.metrics["recall_at_10"] == pytest.approx(report.metrics["recall_at_10"])
    assert again.metrics["per_family"] == report.metrics["per_family"]
    json.dumps(again.to_dict(), allow_nan=False)
    assert "Recall@10" in again.summary()


def test_checkpoint_refuses_other_vocabulary_models_or_a_damaged_file(trained, tmp_path):
    workspace, truth, encoder, report = trained
    path = workspace_checkpoint(workspace)
    other = CuratedVocabulary({"color": ["red", "blue"]}, {})
    with pytest.raises(ModelMismatchError, match="another vocabulary"):
        assign_tagger(workspace, text_encoder=encoder, vocabulary=other)
    with pytest.raises(ModelMismatchError, match="phrases"):
        assign_tagger(workspace, text_encoder=FakeText(dim=6, name="other-text"))
    _, meta = load_tagger(path)
    with pytest.raises(ModelMismatchError, match="image_vec"):
        check_compatible(meta, path, product_models={"image_vec": "another-clip@x/8d"})
    copy = tmp_path / "t.safetensors"
    copy.write_bytes(path.read_bytes()[:-8] + b"\0" * 8)
    meta_path(copy).write_text(meta_path(path).read_text())
    with pytest.raises(CheckpointError, match="damaged or was replaced"):
        load_tagger(copy)
    meta_path(copy).unlink()
    with pytest.raises(CheckpointError, match="metadata"):
        load_tagger(copy)
    with pytest.raises(CheckpointError, match="missing"):
        load_tagger(tmp_path / "none.safetensors")


def test_label_matrix_and_positives_file_errors(tmp_path):
    attributes = attribute_list(vocabulary().families)
    labels, unknown = label_matrix(["i1", "i2"], attributes, [ItemAttribute("i1", "color", "red", 1.0),
                                                              ItemAttribute("zz", "color", "red", 1.0)])
    assert labels.sum() == 1 and unknown == 1
    with pytest.raises(ValueError, match="family 'size' is unknown"):
        label_matrix(["i1"], attributes, [ItemAttribute("i1", "size", "xl", 1.0)])
    with pytest.raises(ValueError, match="not a canonical color"):
        label_matrix(["i1"], attributes, [ItemAttribute("i1", "color", "crimson", 1.0)])
    bad = tmp_path / "p.jsonl"
    bad.write_text('{"item_id": "i1", "family": "color", "value": "red"}\nnot json\n')
    with pytest.raises(ValueError, match="line 2"):
        load_positives(bad)
    with pytest.raises(FileNotFoundError, match="--positives"):
        load_positives(tmp_path / "missing.jsonl")
    with pytest.raises(ValueError, match="no values"):
        attribute_list({})


def test_rows_without_vectors_are_left_out(tmp_path):
    from engine.attributes.tagger_data import read_product_vectors

    rows, _ = world(n=5)
    rows[2] = {**rows[2], "image_vec": None, "text_vec": None}
    rows[3] = {**rows[3], "image_vec": None}  # an image that could not be read: the text part is kept
    data = read_product_vectors(open_items_table(make_workspace(tmp_path, rows)))
    assert data.ids == ["i000", "i001", "i003", "i004"] and data.not_embedded == 1
    assert not data.vectors[2, :8].any() and data.vectors[2, 8:].any()
    assert data.truth[0] == json.loads(rows[0]["attributes"])
