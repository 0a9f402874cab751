"""Loading image-text models: a custom architecture from a local checkpoint, unknown names, bad checkpoints."""

import json

import numpy as np
import pytest
from PIL import Image

from engine.models.clip_encoder import ClipSpec, load_clip
from engine.models.errors import CheckpointError, UnknownModelError
from engine.models.registry import check_clip_name, known_clip_models

TINY = {
    "embed_dim": 16,
    "vision_cfg": {"image_size": 32, "layers": 1, "width": 32, "head_width": 16, "patch_size": 16},
    "text_cfg": {"context_length": 16, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 1},
}


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory):
    """A randomly initialised tiny open_clip model saved as a local checkpoint, and its config file."""
    import open_clip
    import torch

    folder = tmp_path_factory.mktemp("tiny")
    config = folder / "tiny-test-clip.json"
    config.write_text(json.dumps(TINY))
    open_clip.add_model_config(config)
    torch.manual_seed(0)
    model = open_clip.create_model("tiny-test-clip")
    checkpoint = folder / "tiny.pt"
    torch.save({"state_dict": model.state_dict()}, checkpoint)
    return config, checkpoint, model


def test_a_local_checkpoint_loads_through_the_factory_with_the_same_weights(tiny_checkpoint):
    import torch

    config, checkpoint, original = tiny_checkpoint
    encoder = load_clip(ClipSpec("tiny-test-clip", str(checkpoint), str(config)))
    assert encoder.dim == 16 and encoder.identity.checkpoint == "tiny.pt"
    assert len(encoder.identity.checkpoint_sha256) == 64
    image = Image.new("RGB", (40, 40), (200, 30, 30))
    vec = encoder.encode_images([image])
    with torch.no_grad():
        expected = original.eval().encode_image(encoder.preprocess(image).unsqueeze(0), normalize=True).numpy()
    np.testing.assert_allclose(vec, expected, atol=1e-5)
    texts = encoder.encode_texts(["a red dress", "blue jeans"])
    assert texts.shape == (2, 16)
    np.testing.assert_allclose(np.linalg.norm(texts, axis=1), 1.0, atol=1e-5)


def test_images_can_be_given_as_paths(tiny_checkpoint, tmp_path):
    config, checkpoint, _ = tiny_checkpoint
    encoder = load_clip(ClipSpec("tiny-test-clip", str(checkpoint), str(config)))
    Image.new("RGB", (40, 40), (0, 90, 200)).save(tmp_path / "blue.png")
    from_path = encoder.encode_images([tmp_path / "blue.png"])
    from_image = encoder.encode_images([Image.open(tmp_path / "blue.png")])
    np.testing.assert_allclose(from_path, from_image)
    (tmp_path / "bad.png").write_bytes(b"nope")
    with pytest.raises(ValueError, match="cannot read image .*bad.png"):
        encoder.encode_images([tmp_path / "bad.png"])


def test_a_missing_checkpoint_names_the_file(tiny_checkpoint, tmp_path):
    config, _, _ = tiny_checkpoint
    with pytest.raises(CheckpointError, match="checkpoint .*missing.pt not found"):
        load_clip(ClipSpec("tiny-test-clip", str(tmp_path / "missing.pt"), str(config)))


def test_a_checkpoint_of_another_architecture_is_refused(tiny_checkpoint, tmp_path):
    import open_clip

    config, checkpoint, _ = tiny_checkpoint
    other = dict(TINY, embed_dim=24)
    other_config = tmp_path / "tiny-other-clip.json"
    other_config.write_text(json.dumps(other))
    with pytest.raises(CheckpointError, match=r"checkpoint .*tiny.pt does not fit the tiny-other-clip architecture"):
        load_clip(ClipSpec("tiny-other-clip", str(checkpoint), str(other_config)))
    assert "tiny-other-clip" in open_clip.list_models()


def test_an_unknown_model_name_lists_the_known_ones():
    with pytest.raises(UnknownModelError) as err:
        check_clip_name("ViT-B-16-SigLIP3")
    message = str(err.value)
    assert "unknown image-text model 'ViT-B-16-SigLIP3'" in message
    assert "Did you mean" in message and "ViT-B-16-SigLIP2" in message
    assert "workbench-sample" in message and "hf-hub:ORG/REPO" in message
    assert set(known_clip_models()) >= {"workbench-sample", "ViT-B-32", "ViT-B-16-SigLIP2"}


def test_hub_and_local_dir_schemas_pass_the_name_check():
    assert check_clip_name("hf-hub:timm/ViT-B-16-SigLIP2") == "hf-hub:timm/ViT-B-16-SigLIP2"
