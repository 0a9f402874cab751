"""(image, captions) training pairs from a catalog folder, with a deterministic held-out split."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from engine.models.training.captions import attribute_captions, metadata_captions, scene_captions

ATTRIBUTE_FAMILIES = ("category", "color", "pattern", "material", "style", "season", "occasion")


@dataclass(frozen=True)
class TrainingPair:
    item_id: str
    image_path: Path
    captions: tuple[str, ...]
    attributes: dict  # family -> true value, where the catalog has attribute columns
    held_out: bool


def is_held_out(item_id: str, fraction: float) -> bool:
    """A stable split by a hash of the item id (independent of catalog order and of Python's hash seed)."""
    digest = hashlib.sha256(item_id.encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < fraction


def load_pairs(catalog_dir: Path, *, holdout_fraction: float) -> list[TrainingPair]:
    """Read `items.parquet` beside its images and build the captions of every item."""
    import pyarrow.parquet as pq

    path = Path(catalog_dir) / "items.parquet"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found; --catalog must be a folder with items.parquet beside its images "
            "(as `workbench generate-sample` writes)"
        )
    rows = pq.read_table(path).to_pylist()
    if not rows:
        raise ValueError(f"{path} has no rows; nothing to train on")
    missing = {"item_id", "image_path"} - set(rows[0])
    if missing:
        raise ValueError(f"{path} lacks the columns {sorted(missing)}; they are required for training")
    by_id = {r["item_id"]: r for r in rows}
    pairs = []
    for r in rows:
        attrs = {f: r.get(f) for f in ATTRIBUTE_FAMILIES if r.get(f)}
        captions = attribute_captions(attrs)
        if r.get("objects"):
            captions += scene_captions([by_id.get(o["item_id"], {}) for o in r["objects"]])
        captions += metadata_captions(r.get("title"), r.get("description"), r.get("tags"))
        if not captions:
            continue
        pairs.append(
            TrainingPair(
                item_id=r["item_id"],
                image_path=Path(catalog_dir) / r["image_path"],
                captions=tuple(dict.fromkeys(captions)),
                attributes=attrs,
                held_out=is_held_out(r["item_id"], holdout_fraction),
            )
        )
    return pairs
