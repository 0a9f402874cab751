"""Save and load the early-fusion model: weights as safetensors, a metadata file beside them.

The metadata records the open_clip model (ModelIdentity.key()) the Combiner was trained over; its
vectors mean nothing in another model's space, so loading checks that identity.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from engine.models.errors import CheckpointError, ModelMismatchError
from engine.models.identity import file_sha256

FUSION_MODEL_NAME = "workbench-fusion"
REMAKE_COMMAND = "workbench train fusion --home WORKSPACE"
# The committed sample checkpoint, trained over the committed sample open_clip model on the 3,000-item sample:
#   workbench generate-sample --n 3000 --seed 7 --out /tmp/s3000 && workbench ingest --home /tmp/ws3000 \
#   --images /tmp/s3000 --metadata /tmp/s3000/items.parquet && workbench index --home /tmp/ws3000 && \
#   workbench train fusion --home /tmp/ws3000 --out sample_data/model/workbench-fusion.safetensors
COMMITTED_CHECKPOINT = Path(__file__).parents[3] / "sample_data" / "model" / f"{FUSION_MODEL_NAME}.safetensors"


@dataclass(frozen=True)
class FusionMeta:
    model_name: str  # always FUSION_MODEL_NAME
    architecture: dict  # FusionArchitecture fields
    clip_identity: str  # ModelIdentity.key() of the open_clip model whose vectors it composes
    checkpoint_sha256: str  # hash of the weights file this metadata describes
    data_hash: str  # hash of the training data (item ids, attributes, image vectors)
    settings: dict  # FusionSettings fields
    metrics: dict  # held-out metrics measured right after training
    trained_seconds: float
    train_triplets: int
    held_out_triplets: int
    created: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


def meta_path(checkpoint: Path) -> Path:
    """The metadata file beside a checkpoint: `name.safetensors` -> `name.json`."""
    return Path(checkpoint).with_suffix(".json")


def save_fusion(model, path: Path, *, clip_identity: str, **meta) -> FusionMeta:
    """Write the Combiner's weights to `path` (.safetensors) and its metadata beside it."""
    from safetensors.torch import save_file

    path = Path(path)
    if path.suffix != ".safetensors":
        raise ValueError(f"{path}: the fusion checkpoint is written as .safetensors; name the file NAME.safetensors")
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    tmp = path.with_suffix(".safetensors.tmp")
    save_file(state, str(tmp))
    tmp.chmod(0o644)  # safetensors writes owner-only files; a committed checkpoint must be readable
    tmp.replace(path)
    info = FusionMeta(model_name=FUSION_MODEL_NAME, architecture=model.arch.to_dict(), clip_identity=clip_identity,
                      checkpoint_sha256=file_sha256(path), **meta)
    meta_path(path).write_text(info.to_json())
    return info


def read_fusion_meta(path: Path) -> FusionMeta:
    """The metadata of a fusion checkpoint, its hash checked; errors name the file and the remaking command."""
    path = Path(path)
    remake = f"remake it with: {REMAKE_COMMAND}"
    if not path.is_file():
        raise CheckpointError(f"fusion checkpoint {path} is missing; {remake}")
    mpath = meta_path(path)
    try:
        info = FusionMeta(**json.loads(mpath.read_text()))
    except FileNotFoundError:
        raise CheckpointError(f"{mpath} (the metadata of fusion checkpoint {path}) is missing; {remake}") from None
    except (json.JSONDecodeError, TypeError) as exc:
        raise CheckpointError(f"{mpath} (the metadata of fusion checkpoint {path}) is damaged ({exc}); {remake}") from None
    if info.model_name != FUSION_MODEL_NAME:
        raise CheckpointError(f"{mpath} describes a {info.model_name!r} model, not {FUSION_MODEL_NAME!r}; {remake}")
    actual = file_sha256(path)
    if actual != info.checkpoint_sha256:
        raise CheckpointError(
            f"fusion checkpoint {path} is damaged or was replaced: its SHA-256 is {actual[:12]}…, "
            f"the metadata in {mpath.name} says {info.checkpoint_sha256[:12]}…; {remake}")
    return info


def load_fusion(path: Path, expected_identity: str | None = None):
    """(Combiner in eval mode, FusionMeta); ModelMismatchError when it was trained over another open_clip model."""
    from safetensors.torch import load_file

    from engine.models.fusion.model import Combiner, FusionArchitecture

    info = read_fusion_meta(path)
    if expected_identity is not None and info.clip_identity != expected_identity:
        raise ModelMismatchError(
            f"fusion checkpoint {path} was trained over open_clip model {info.clip_identity}, but the index uses "
            f"{expected_identity}; retrain it for this workspace with: {REMAKE_COMMAND}")
    try:
        model = Combiner(FusionArchitecture.from_dict(info.architecture))
        model.load_state_dict(load_file(str(path)), strict=True)
    except Exception as exc:  # safetensors and torch raise many types for a bad file, keys or shapes
        detail = " ".join(str(exc).split())[:300]  # torch lists every mismatched tensor, one per line
        raise CheckpointError(f"cannot load fusion checkpoint {path} into the architecture its metadata names "
                              f"({detail}); remake it with: {REMAKE_COMMAND}") from None
    return model.eval(), info
