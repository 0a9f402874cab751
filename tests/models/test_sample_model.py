"""The sample model: train a little, save, reload through the factory; damaged checkpoints; committed quality."""

import json
from dataclasses import replace

import numpy as np
import pytest

from engine.models.clip_encoder import ClipSpec, load_clip
from engine.models.errors import CheckpointError
from engine.models.training.clip_trainer import ClipTrainSettings
from sample_data.workspace_vocabulary import fashion_vocabulary

TINY_TRAINING = replace(ClipTrainSettings(), epochs=1, batch_size=16, warmup_steps=1, holdout_fraction=0.2)


@pytest.fixture(scope="module")
def trained(sample_catalog, tmp_path_factory):
    from engine.models.training.train_sample import train_sample_model

    out = tmp_path_factory.mktemp("ckpt") / "tiny-sample.safetensors"
    report = train_sample_model(sample_catalog, out, TINY_TRAINING, progress=False)
    return out, report


def test_training_writes_weights_and_metadata(trained):
    out, report = trained
    meta = json.loads(out.with_suffix(".json").read_text())
    assert meta["model_name"] == "workbench-sample" and meta["settings"]["epochs"] == 1
    assert meta["train_items"] == report.train_items and meta["held_out_items"] == report.held_out_items > 0
    assert set(meta["metrics"]) >= {"zero_shot_category", "zero_shot_color", "zero_shot_pattern",
                                    "zero_shot_material", "text_to_image_recall@10"}
    assert len(meta["data_hash"]) == 64 and meta["architecture"]["text_cfg"]["hf_model_name"] == "@minilm"
    assert meta["vocabulary_hash"] == fashion_vocabulary().hash  # the vocabulary.toml beside the sample catalog
    # the frozen MiniLM is not in the file: it stays small
    assert out.stat().st_size < 25_000_000


def test_the_checkpoint_reloads_and_reproduces_its_held_out_metrics(trained, sample_catalog):
    from engine.models.training.pairs import load_pairs
    from engine.models.training.train_sample import held_out_metrics

    out, report = trained
    encoder = load_clip(ClipSpec(pretrained=str(out)))
    assert encoder.identity.checkpoint_sha256 == json.loads(out.with_suffix(".json").read_text())["checkpoint_sha256"]
    held = [p for p in load_pairs(sample_catalog, holdout_fraction=0.2) if p.held_out]
    assert held_out_metrics(encoder, held, fashion_vocabulary(), progress=False) == report.metrics


def test_a_damaged_checkpoint_names_the_file_and_the_remake_command(trained, tmp_path):
    out, _ = trained
    damaged = tmp_path / out.name
    data = bytearray(out.read_bytes())
    data[-10] ^= 0xFF
    damaged.write_bytes(bytes(data))
    damaged.with_suffix(".json").write_text(out.with_suffix(".json").read_text())
    with pytest.raises(CheckpointError, match=r"damaged or was replaced.*workbench train clip"):
        load_clip(ClipSpec(pretrained=str(damaged)))


def test_missing_checkpoint_or_metadata_are_named(trained, tmp_path):
    out, _ = trained
    with pytest.raises(CheckpointError, match=r"nothing.safetensors is missing; remake it with: .*workbench train clip"):
        load_clip(ClipSpec(pretrained=str(tmp_path / "nothing.safetensors")))
    lonely = tmp_path / "lonely.safetensors"
    lonely.write_bytes(out.read_bytes())
    with pytest.raises(CheckpointError, match=r"lonely.json \(the metadata of checkpoint .*\) is missing"):
        load_clip(ClipSpec(pretrained=str(lonely)))
    lonely.with_suffix(".json").write_text("{not json")
    with pytest.raises(CheckpointError, match="is damaged"):
        load_clip(ClipSpec(pretrained=str(lonely)))


def test_the_committed_model_tells_attributes_apart_on_unseen_images(sample_catalog):
    """The committed checkpoint was trained on seed 7; this catalog (seed 3) is unseen. Held-out figures
    of the full benchmark are in docs/benchmarks.md; this is a regression floor, well below them."""
    import pyarrow.parquet as pq

    from engine.models.sample_quality import family_values
    from engine.models.zero_shot import zero_shot_accuracy

    encoder = load_clip()
    rows = [r for r in pq.read_table(sample_catalog / "items.parquet").to_pylist() if r["kind"] == "product"]
    vecs = encoder.encode_images([sample_catalog / r["image_path"] for r in rows])
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    values = family_values(fashion_vocabulary())
    assert zero_shot_accuracy(vecs, rows, "color", values["color"], encoder.encode_texts) >= 0.9
    assert zero_shot_accuracy(vecs, rows, "category", values["category"], encoder.encode_texts) >= 0.8


def test_dynamic_padding_of_texts_equals_encode_text():
    """The fast path (pad to the longest text of a chunk) must give encode_text's vectors, in input order."""
    import torch

    encoder = load_clip()
    texts = ["a red dress", "a photo of a navy striped cotton shirt for the office, classic, fall", "boots"]
    fast = encoder.encode_texts(texts)
    with torch.no_grad():
        slow = torch.nn.functional.normalize(encoder.model.encode_text(encoder.tokenizer(texts)), dim=-1).numpy()
    np.testing.assert_allclose(fast, slow, atol=1e-5)


def test_train_clip_on_a_workspaces_own_items_in_another_domain(tmp_path):
    """`workbench train clip` without --catalog: the ingested items, captioned in the workspace vocabulary."""
    from engine.models.training.train_sample import train_sample_model
    from engine.vocabulary import save_workspace_vocabulary
    from tests.collections.fixtures import home_vocabulary
    from tests.models.test_captions import make_home_workspace
    from workbench.cli import main

    workspace = make_home_workspace(tmp_path / "ws")
    save_workspace_vocabulary(workspace.root, home_vocabulary())
    settings = replace(TINY_TRAINING, batch_size=4, holdout_fraction=0.3)
    out = tmp_path / "home.safetensors"
    report = train_sample_model(workspace, out, settings, progress=False)
    meta = json.loads(out.with_suffix(".json").read_text())
    assert meta["vocabulary_hash"] == home_vocabulary().hash and meta["train_items"] == report.train_items > 0
    assert set(report.metrics) <= {"zero_shot_item", "zero_shot_color", "zero_shot_material",
                                   "text_to_image_recall@10", "items", "queries"}
    assert main(["train", "clip", "--home", str(tmp_path / "none")]) == 2  # nothing ingested: says what to run
