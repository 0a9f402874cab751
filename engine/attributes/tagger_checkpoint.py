"""Save and load the tagger: both towers (safetensors) and a metadata file beside them.

The metadata records what the weights depend on: the vocabulary (hash and list), the models that
made the product vectors and the phrase vectors, the settings, the calibrated thresholds, the
metrics. Loading refuses a damaged file or a vocabulary or embedding model other than the recorded one.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from engine.attributes.tagger import TaggerSettings, build_towers
from engine.attributes.tagger_calibrate import Calibration
from engine.models.checkpoint_files import meta_path, read_checked_meta, write_weights
from engine.models.errors import CheckpointError, ModelMismatchError

CHECKPOINT_NAME = "attribute-tagger.safetensors"
REMAKE = "remake it with `workbench attributes train`"


@dataclass(frozen=True)
class TaggerMeta:
    attributes: list  # [[family, value], ...]: column order of the attribute tower
    vocabulary_hash: str  # tagger.vocabulary_hash(attributes)
    product_models: dict  # vector column -> model key that made the product vectors
    phrase_model: str  # key of the text encoder that embedded the phrases
    product_dim: int
    phrase_dim: int
    settings: dict  # TaggerSettings.to_dict()
    calibration: dict  # Calibration.to_dict()
    metrics: dict  # held-out evaluation right after training
    data_hash: str  # item ids and vectors it was trained on
    trained_seconds: float
    train_items: int
    held_out_items: int
    checkpoint_sha256: str = ""
    workspace_vocabulary_hash: str | None = None  # the workspace vocabulary it was trained with (stale detection)
    created: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @property
    def settings_obj(self) -> TaggerSettings:
        return TaggerSettings.from_dict(self.settings)

    @property
    def calibration_obj(self) -> Calibration:
        return Calibration.from_dict(self.calibration)


def workspace_checkpoint(workspace) -> Path:
    return workspace.models_dir / CHECKPOINT_NAME


def recorded_vocabulary_hash(workspace) -> tuple[bool, str | None]:
    """(whether a tagger checkpoint exists, the workspace vocabulary hash its metadata records)."""
    import json

    path = meta_path(workspace_checkpoint(workspace))
    if not path.is_file():
        return False, None
    try:
        return True, json.loads(path.read_text()).get("workspace_vocabulary_hash")
    except (ValueError, AttributeError):
        return True, None


def save_tagger(model, path: Path, meta: TaggerMeta) -> TaggerMeta:
    """Write the weights (atomically) and the metadata; returns the metadata with the weights' hash."""
    from dataclasses import replace

    meta = replace(meta, checkpoint_sha256=write_weights(model.state_dict(), path, "tagger checkpoint"))
    meta_path(path).write_text(meta.to_json())
    return meta


def read_tagger_meta(path: Path) -> TaggerMeta:
    return read_checked_meta(path, TaggerMeta, what="attribute tagger checkpoint", remake=REMAKE)


def check_compatible(meta: TaggerMeta, path: Path, *, vocabulary_hash: str | None = None,
                     product_models: dict | None = None, phrase_model: str | None = None) -> None:
    """Refuse a checkpoint trained on another vocabulary or against other embedding models."""
    if vocabulary_hash is not None and vocabulary_hash != meta.vocabulary_hash:
        raise ModelMismatchError(f"checkpoint {path} was trained on another vocabulary (hash "
                                 f"{meta.vocabulary_hash[:12]}… vs {vocabulary_hash[:12]}…); {REMAKE}")
    for column, key in (product_models or {}).items():
        recorded = meta.product_models.get(column)
        if recorded is not None and recorded != key:
            raise ModelMismatchError(f"checkpoint {path} was trained on {column} vectors made by {recorded} but the "
                                     f"items table's are made by {key}; {REMAKE}")
    if phrase_model is not None and phrase_model != meta.phrase_model:
        raise ModelMismatchError(f"checkpoint {path} embeds attribute phrases with {meta.phrase_model} but "
                                 f"{phrase_model} was given; load that text encoder, or {REMAKE}")


def load_tagger(path: Path, **expected):
    """(model in eval mode, metadata); `expected` as in check_compatible."""
    from safetensors.torch import load_file

    meta = read_tagger_meta(path)
    check_compatible(meta, path, **expected)
    model = build_towers(meta.product_dim, meta.phrase_dim, meta.settings_obj)
    try:
        state = load_file(str(path))
        model.load_state_dict(state, strict=True)
    except Exception as exc:  # safetensors and torch raise many types for a bad file or shapes
        raise CheckpointError(f"cannot load the tagger checkpoint {path}: {exc}; {REMAKE}") from None
    model.eval()
    return model, meta
