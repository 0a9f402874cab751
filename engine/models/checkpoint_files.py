"""A checkpoint on disk: weights as NAME.safetensors and a metadata JSON file NAME.json beside them.

Shared by the sample model, the early-fusion model and the attribute tagger: the weights are written
atomically and readable by all (safetensors writes owner-only files; a committed checkpoint must be
readable), the metadata records the weights' SHA-256, and reading checks that hash, so a damaged or
swapped file is refused with the command that remakes it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from engine.models.errors import CheckpointError
from engine.models.identity import file_sha256


def catalog_hash(item_ids: Iterable[str]) -> str:
    """SHA-256 of the sorted, distinct item ids, one per line: which catalog a model was trained on, in any order.

    The learned models record it and refuse to load into a workspace whose catalog hashes differently.
    """
    return hashlib.sha256("\n".join(sorted(set(map(str, item_ids)))).encode()).hexdigest()


def meta_path(checkpoint: Path) -> Path:
    """The metadata file beside a checkpoint: `name.safetensors` -> `name.json`."""
    return Path(checkpoint).with_suffix(".json")


def write_weights(state: dict, path: Path, what: str) -> str:
    """Write tensors to `path` (must end in .safetensors) atomically; returns the file's SHA-256."""
    from safetensors.torch import save_file

    path = Path(path)
    if path.suffix != ".safetensors":
        raise ValueError(f"{path}: the {what} is written as .safetensors; name the file NAME.safetensors")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".safetensors.tmp")
    save_file({k: v.detach().contiguous() for k, v in state.items()}, str(tmp))
    tmp.chmod(0o644)
    tmp.replace(path)
    return file_sha256(path)


def read_checked_meta(path: Path, meta_class, *, what: str, remake: str):
    """`meta_class(**metadata)` of a checkpoint whose weights still have the recorded `checkpoint_sha256`.

    Errors name the file, what is wrong with it and `remake` (how to make it again).
    """
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{what} {path} is missing; {remake}")
    mpath = meta_path(path)
    try:
        meta = meta_class(**json.loads(mpath.read_text()))
    except FileNotFoundError:
        raise CheckpointError(f"{mpath} (the metadata of checkpoint {path}) is missing; {remake}") from None
    except (json.JSONDecodeError, TypeError) as exc:
        raise CheckpointError(f"{mpath} (the metadata of checkpoint {path}) is damaged ({exc}); {remake}") from None
    actual = file_sha256(path)
    if actual != meta.checkpoint_sha256:
        raise CheckpointError(f"{what} {path} is damaged or was replaced: its SHA-256 is {actual[:12]}…, "
                              f"the metadata in {mpath.name} says {meta.checkpoint_sha256[:12]}…; {remake}")
    return meta
