"""Save and load SearchSage: both towers (safetensors) and a metadata file beside them.

The item tower learnt this catalog's items and the query tower this text model's vectors, so the
metadata records the catalog's data hash (its item ids) and the text model; loading refuses others.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from engine.models.checkpoint_files import catalog_hash, meta_path, read_checked_meta, write_weights
from engine.models.errors import CheckpointError, ModelMismatchError
from engine.models.searchsage.model import SearchSage, SearchSageArchitecture

CHECKPOINT_NAME = "searchsage.safetensors"
MODEL_NAME = "searchsage"


def remake(home: str | Path = "WORKSPACE") -> str:
    return f"retrain it with `workbench train searchsage --home {home}`"


@dataclass(frozen=True)
class SearchSageMeta:
    model_name: str  # always MODEL_NAME
    architecture: dict  # SearchSageArchitecture fields
    text_model: str  # ModelIdentity.key() of the frozen text model behind the query tower
    image_model: str  # ModelIdentity.key() recorded on the image_vec column it was trained with ("" if none)
    catalog_hash: str  # catalog_hash() of the item ids it was trained on
    settings: dict  # SearchSageSettings.to_dict()
    metrics: dict  # held-out Recall@10, learned and baseline, measured right after training
    trained_seconds: float
    train_pairs: dict  # task -> pairs trained on
    checkpoint_sha256: str = ""
    created: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


class CatalogMismatchError(ModelMismatchError):
    """A checkpoint trained on another catalog (its item ids hash differently)."""


def workspace_checkpoint(workspace) -> Path:
    """Where `workbench train searchsage` writes: WORKSPACE/models/searchsage.safetensors."""
    return workspace.models_dir / CHECKPOINT_NAME


def save_searchsage(model: SearchSage, path: Path, meta: SearchSageMeta) -> SearchSageMeta:
    """Write the weights (atomically) and the metadata; returns the metadata with the weights' hash."""
    meta = replace(meta, checkpoint_sha256=write_weights(model.state_dict(), path, "searchsage checkpoint"))
    meta_path(path).write_text(meta.to_json())
    return meta


def read_searchsage_meta(path: Path, home: str | Path = "WORKSPACE") -> SearchSageMeta:
    meta = read_checked_meta(path, SearchSageMeta, what="searchsage checkpoint", remake=remake(home))
    if meta.model_name != MODEL_NAME:
        raise CheckpointError(f"{meta_path(path)} describes a {meta.model_name!r} model, not {MODEL_NAME!r}; "
                              f"{remake(home)}")
    return meta


def check_catalog(meta: SearchSageMeta, path: Path, expected_hash: str, home: str | Path = "WORKSPACE") -> None:
    """Refuse a checkpoint whose catalog hash is not this workspace's."""
    if meta.catalog_hash != expected_hash:
        raise CatalogMismatchError(
            f"searchsage checkpoint {path} was trained on another catalog (item-id hash {meta.catalog_hash[:12]}…) "
            f"than this workspace's (hash {expected_hash[:12]}…): its item embeddings would not match the items; "
            f"{remake(home)}")


def load_searchsage(path: Path, *, expected_catalog_hash: str | None = None, expected_text_model: str | None = None,
                    home: str | Path = "WORKSPACE") -> tuple[SearchSage, SearchSageMeta]:
    """(model in eval mode, metadata); refuses another catalog or another text model."""
    from safetensors.torch import load_file

    meta = read_searchsage_meta(path, home)
    if expected_catalog_hash is not None:
        check_catalog(meta, path, expected_catalog_hash, home)
    if expected_text_model is not None and expected_text_model != meta.text_model:
        raise ModelMismatchError(f"searchsage checkpoint {path} projects {meta.text_model} query vectors, but the "
                                 f"index embeds queries with {expected_text_model}; {remake(home)}")
    try:
        model = SearchSage(SearchSageArchitecture(**meta.architecture))
        model.load_state_dict(load_file(str(path)), strict=True)
    except Exception as exc:  # safetensors and torch raise many types for a bad file, keys or shapes
        detail = " ".join(str(exc).split())[:300]
        raise CheckpointError(f"cannot load searchsage checkpoint {path} ({detail}); {remake(home)}") from None
    return model.eval(), meta
