"""Save and load the student: weights (safetensors) and metadata beside them, with the catalog's data hash.

The features read the index's stored vectors by item id, so a student is only meaningful over the catalog it
was trained on: loading refuses a checkpoint whose recorded hash of the catalog's item ids differs. It also
refuses one made for another feature layout (features.FEATURE_VERSION; metadata without the field predates
versions and counts as layout 1).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from engine.models.checkpoint_files import catalog_hash, meta_path, read_checked_meta, write_weights
from engine.models.errors import CheckpointError, ModelMismatchError
from engine.models.relevance.features import FEATURE_VERSION, feature_count
from engine.models.relevance.student import Student

STUDENT_NAME = "relevance-student.safetensors"
TEACHER_DIR = "relevance-teacher"
REMAKE = "remake it with `workbench train relevance`"


@dataclass(frozen=True)
class StudentMeta:
    feature_dim: int  # columns of pair_features
    hidden: int
    data_hash: str  # catalog_hash of the item ids it was trained over
    text_model: str  # key of the model that made text_vec and embeds the query text
    clip_model: str  # key of the open_clip model of image_vec / clip_text_vec
    source: str  # judgments it learnt from: human, simulated or all
    settings: dict
    metrics: dict
    checkpoint_sha256: str = ""
    vocabulary_hash: str = ""  # of the workspace vocabulary the attribute features read ("": not recorded)
    feature_version: int = FEATURE_VERSION  # the pair_features layout it was trained on
    created: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


def workspace_student(workspace) -> Path:
    return workspace.models_dir / STUDENT_NAME


def workspace_teacher(workspace) -> Path:
    return workspace.models_dir / TEACHER_DIR


def save_student(student: Student, path: Path, meta: StudentMeta) -> StudentMeta:
    """Write the weights atomically and the metadata; returns the metadata with the weights' hash."""
    import torch

    state = {k: torch.from_numpy(v) for k, v in student.state().items()}
    meta = replace(meta, checkpoint_sha256=write_weights(state, path, "relevance student"))
    meta_path(path).write_text(meta.to_json())
    return meta


def _recorded_meta(**record) -> StudentMeta:
    """StudentMeta of stored metadata; one written before layouts were versioned was layout 1."""
    record.setdefault("feature_version", 1)
    return StudentMeta(**record)


def load_student(path: Path, *, data_hash: str | None = None) -> tuple[Student, StudentMeta]:
    """(student, metadata); refuses a damaged file or one trained on another catalog (data_hash given)."""
    from safetensors.numpy import load_file

    path = Path(path)
    meta = read_checked_meta(path, _recorded_meta, what="relevance student checkpoint", remake=REMAKE)
    if meta.feature_version != FEATURE_VERSION or meta.feature_dim != feature_count():
        raise ModelMismatchError(
            f"relevance student {path} was trained on feature layout {meta.feature_version} ({meta.feature_dim} "
            f"features); this version computes layout {FEATURE_VERSION} ({feature_count()} features), so it cannot "
            f"score with it; {REMAKE}")
    if data_hash is not None and data_hash != meta.data_hash:
        raise ModelMismatchError(
            f"relevance student {path} was trained on another catalog (item-id hash {meta.data_hash[:12]}… vs this "
            f"catalog's {data_hash[:12]}…): its features look items up by id, so it cannot score this one; {REMAKE} "
            "in this workspace")
    try:
        student = Student.from_state(load_file(str(path)))
    except Exception as exc:  # safetensors raises several types for a bad file
        raise CheckpointError(f"cannot load the relevance student {path}: {exc}; {REMAKE}") from None
    if student.w1.shape != (meta.feature_dim, meta.hidden):
        raise CheckpointError(f"relevance student {path} has weights {student.w1.shape}, its metadata says "
                              f"({meta.feature_dim}, {meta.hidden}); {REMAKE}")
    return student, meta
