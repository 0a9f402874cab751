"""Save and load the engagement model: JSON coefficients (a linear model) at WORKSPACE/models/engagement.json.

The file records the data hash of the catalog's item ids it was trained on; loading it for another catalog
is refused, naming both hashes and the command that retrains it. Written atomically.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from engine.models.checkpoint_files import catalog_hash
from engine.models.engagement.model import EngagementModel
from engine.models.errors import CheckpointError, ModelMismatchError

CHECKPOINT_NAME = "engagement.json"
REMAKE = "train it with `workbench train engagement --home WORKSPACE`"


@dataclass(frozen=True)
class EngagementMeta:
    model: dict  # EngagementModel.to_dict()
    catalog_hash: str  # catalog_hash() of the item ids of the workspace it was trained on
    propensities: list  # estimated P(examined | position 1..n) / P(examined | position 1)
    max_weight: float
    label: str
    settings: dict
    metrics: dict
    trained_seconds: float
    train_impressions: int
    held_out_impressions: int
    reliability: list = field(default_factory=list)  # the IPW model's held-out ReliabilityBin dicts, for the Dashboard
    created: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))

    @property
    def model_obj(self) -> EngagementModel:
        return EngagementModel.from_dict(self.model)


def _remake(path: Path) -> str:
    """How to make the checkpoint again, for the workspace that holds it (WORKSPACE/models/engagement.json)."""
    return REMAKE.replace("WORKSPACE", str(Path(path).parent.parent))


def workspace_checkpoint(workspace) -> Path:
    return workspace.models_dir / CHECKPOINT_NAME


def save_engagement(meta: EngagementMeta, path: Path) -> Path:
    path = Path(path)
    if path.suffix != ".json":
        raise ValueError(f"{path}: the engagement model is written as JSON; name the file NAME.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(asdict(meta), indent=2, sort_keys=True) + "\n")
    tmp.replace(path)
    return path


def load_engagement_model(path: Path, expected_catalog_hash: str | None = None) -> EngagementMeta:
    """The metadata (with the model) of a checkpoint, refused when made for another catalog."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"engagement model {path} is missing; {_remake(path)}")
    try:
        meta = EngagementMeta(**json.loads(path.read_text()))
        meta.model_obj
    except (json.JSONDecodeError, TypeError, KeyError, ValueError) as exc:
        raise CheckpointError(f"engagement model {path} is damaged ({exc}); "
                              f"{_remake(path)}") from None
    if expected_catalog_hash is not None and expected_catalog_hash != meta.catalog_hash:
        raise ModelMismatchError(f"engagement model {path} was trained on another catalog: its item-id hash is "
                                 f"{meta.catalog_hash}, this catalog's is {expected_catalog_hash}; "
                                 f"{_remake(path)}")
    return meta
