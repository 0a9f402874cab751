"""Fusion checkpoints: round trip, and every way a checkpoint can be wrong gives a named error."""

import json

import numpy as np
import pytest
import torch

from engine.models.errors import CheckpointError, ModelMismatchError
from engine.models.fusion.checkpoint import load_fusion, meta_path, read_fusion_meta, save_fusion
from engine.models.fusion.model import Combiner, FusionArchitecture, compose

IDENTITY = "fake-clip@sha256:abababababab/16d"
META = dict(data_hash="d" * 64, settings={"epochs": 1}, metrics={"pivot.early_fusion.p@10": 0.5},
            trained_seconds=1.0, train_triplets=10, held_out_triplets=2)


@pytest.fixture
def saved(tmp_path):
    torch.manual_seed(0)
    model = Combiner(FusionArchitecture(16, 8, 12)).eval()
    path = tmp_path / "workbench-fusion.safetensors"
    save_fusion(model, path, clip_identity=IDENTITY, **META)
    return model, path


def test_round_trip_gives_equal_outputs_and_the_metadata(saved):
    model, path = saved
    loaded, meta = load_fusion(path, expected_identity=IDENTITY)
    r, t = np.eye(16, dtype=np.float32)[:3], np.eye(16, dtype=np.float32)[3:6]
    np.testing.assert_array_equal(compose(loaded, r, t), compose(model, r, t))
    assert meta.clip_identity == IDENTITY and meta.metrics == META["metrics"] and meta.architecture["dim"] == 16
    assert json.loads(meta_path(path).read_text())["model_name"] == "workbench-fusion"


def test_missing_weights_or_metadata(saved, tmp_path):
    _, path = saved
    with pytest.raises(CheckpointError, match=r"nope.safetensors is missing; remake it with: workbench train fusion"):
        load_fusion(tmp_path / "nope.safetensors")
    meta_path(path).unlink()
    with pytest.raises(CheckpointError, match=r"workbench-fusion.json \(the metadata .*\) is missing"):
        load_fusion(path)


def test_damaged_weights_fail_the_hash(saved):
    _, path = saved
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="is damaged or was replaced.*workbench train fusion"):
        load_fusion(path)


def test_damaged_metadata(saved):
    _, path = saved
    meta_path(path).write_text("{not json")
    with pytest.raises(CheckpointError, match="is damaged"):
        read_fusion_meta(path)


def test_weights_of_another_shape_are_refused(saved):
    _, path = saved
    meta = json.loads(meta_path(path).read_text())
    meta["architecture"]["proj_dim"] = 9  # the file's hash still matches; its tensors do not fit
    meta_path(path).write_text(json.dumps(meta))
    with pytest.raises(CheckpointError, match="cannot load fusion checkpoint .*size mismatch.*workbench train fusion"):
        load_fusion(path)


def test_another_open_clip_model_is_a_mismatch(saved):
    _, path = saved
    with pytest.raises(ModelMismatchError, match="trained over open_clip model fake-clip@.* but the index uses "
                                                 "other@x/16d; retrain it .* workbench train fusion"):
        load_fusion(path, expected_identity="other@x/16d")


def test_only_safetensors_names_are_written(tmp_path):
    with pytest.raises(ValueError, match="name the file NAME.safetensors"):
        save_fusion(Combiner(FusionArchitecture(4, 4, 4)), tmp_path / "x.pt", clip_identity=IDENTITY, **META)


def test_the_workspace_checkpoint_records_its_vocabulary_for_stale_detection(tmp_path):
    from engine.models.fusion.loader import recorded_vocabulary, workspace_checkpoint
    from engine.vocabulary import stale_stages
    from engine.workspace import Workspace
    from tests.collections.fixtures import home_vocabulary

    workspace = Workspace(tmp_path / "ws").create()
    assert recorded_vocabulary(workspace) == {}  # no own checkpoint: nothing to be stale
    path = workspace_checkpoint(workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    model = Combiner(FusionArchitecture(16, 8, 12)).eval()
    save_fusion(model, path, clip_identity=IDENTITY, **META, vocabulary_hash=home_vocabulary().hash)
    assert recorded_vocabulary(workspace) == {"fusion": home_vocabulary().hash}
    assert stale_stages(home_vocabulary(), recorded_vocabulary(workspace)) == []
    save_fusion(model, path, clip_identity=IDENTITY, **META)  # made before vocabularies: reported stale
    (stale,) = stale_stages(home_vocabulary(), recorded_vocabulary(workspace))
    assert (stale.stage, stale.recorded_hash, stale.command) == ("fusion", None, "workbench train fusion")
