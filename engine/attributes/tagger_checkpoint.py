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
from engine.models.errors import CheckpointError, ModelMismatchError
from engine.models.identity import file_sha256

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
    created: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @property
    def settings_obj(self) -> TaggerSettings:
        return TaggerSettings.from_dict(self.settings)

    @property
    def calibration_obj(self) -> Calibration:
        return Calibration.from_dict(self.calibration)


def meta_path(checkpoint: Path) -> Path:
    return Path(checkpoint).with_suffix(".json")


def workspace_checkpoint(workspace) -> Path:
    return workspace.models_dir / CHECKPOINT_NAME


def save_tagger(model, path: Path, meta: TaggerMeta) -> TaggerMeta:
    """Write the weights (atomically) and the metadata; returns the metadata with the weights' hash."""
    from dataclasses import replace

    from safetensors.torch import save_file

    path = Path(path)
    if path.suffix != ".safetensors":
        raise ValueError(f"{path}: the tagger checkpoint is written as .safetensors; name the file NAME.safetensors")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".safetensors.tmp")
    save_file({k: v.detach().contiguous() for k, v in model.state_dict().items()}, str(tmp))
    tmp.chmod(0o644)
    tmp.replace(path)
    meta = replace(meta, checkpoint_sha256=file_sha256(path))
    meta_path(path).write_text(meta.to_json())
    return meta


def read_tagger_meta(path: Path) -> TaggerMeta:
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"attribute tagger checkpoint {path} is missing; {REMAKE}")
    mpath = meta_path(path)
    try:
        meta = TaggerMeta(**json.loads(mpath.read_text()))
    except FileNotFoundError:
        raise CheckpointError(f"{mpath} (the metadata of {path}) is missing; {REMAKE}") from None
    except (json.JSONDecodeError, TypeError) as exc:
        raise CheckpointError(f"{mpath} (the metadata of {path}) is damaged ({exc}); {REMAKE}") from None
    actual = file_sha256(path)
    if actual != meta.checkpoint_sha256:
        raise CheckpointError(f"checkpoint {path} is damaged or was replaced: its SHA-256 is {actual[:12]}…, "
                              f"{mpath.name} says {meta.checkpoint_sha256[:12]}…; {REMAKE}")
    return meta


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
