"""Save and load the early-fusion model: weights as safetensors, a metadata file beside them.

The metadata records the open_clip model (ModelIdentity.key()) the Combiner was trained over; its
vectors mean nothing in another model's space, so loading checks that identity.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from engine.models.checkpoint_files import meta_path, read_checked_meta, write_weights
from engine.models.errors import CheckpointError, ModelMismatchError

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
    vocabulary_hash: str = ""  # the workspace vocabulary the triplets were mined with ("": before vocabularies)
    created: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


def save_fusion(model, path: Path, *, clip_identity: str, **meta) -> FusionMeta:
    """Write the Combiner's weights to `path` (.safetensors) and its metadata beside it."""
    sha = write_weights(model.state_dict(), path, "fusion checkpoint")
    info = FusionMeta(model_name=FUSION_MODEL_NAME, architecture=model.arch.to_dict(), clip_identity=clip_identity,
                      checkpoint_sha256=sha, **meta)
    meta_path(path).write_text(info.to_json())
    return info


def read_fusion_meta(path: Path) -> FusionMeta:
    """The metadata of a fusion checkpoint, its hash checked; errors name the file and the remaking command."""
    remake = f"remake it with: {REMAKE_COMMAND}"
    info = read_checked_meta(path, FusionMeta, what="fusion checkpoint", remake=remake)
    if info.model_name != FUSION_MODEL_NAME:
        raise CheckpointError(f"{meta_path(path)} describes a {info.model_name!r} model, not {FUSION_MODEL_NAME!r}; "
                              f"{remake}")
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
