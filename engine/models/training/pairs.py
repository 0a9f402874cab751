"""(image, captions) training pairs, with a deterministic held-out split, from either source a user has:

- the workspace's ingested items (the items table: image_path, title, description, tags, and attributes from
  the catalog's columns, `extra` or the tagger), the default of `workbench train clip`;
- a sample-format folder (`items.parquet` beside its images, one column per attribute family), `--catalog`.

Captions name the item's attributes in the workspace vocabulary's families (engine.models.training.captions)
plus its title and tags.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from engine.models.training.captions import attribute_captions, metadata_captions, scene_captions
from engine.models.training.item_values import item_values
from engine.vocabulary import EMPTY, Vocabulary

VOCABULARY_FILE = "vocabulary.toml"  # a sample-format folder's vocabulary, beside items.parquet
ITEM_COLUMNS = ("item_id", "image_path", "title", "description", "tags", "extra", "attributes", "tagged_attributes")


@dataclass(frozen=True)
class TrainingPair:
    item_id: str
    image_path: Path
    captions: tuple[str, ...]
    attributes: dict  # family -> value in the vocabulary's families, where the item has them
    held_out: bool


def is_held_out(item_id: str, fraction: float) -> bool:
    """A stable split by a hash of the item id (independent of catalog order and of Python's hash seed)."""
    digest = hashlib.sha256(item_id.encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < fraction


def _pair(item_id: str, image_path: Path, attrs: dict, captions: list[str], holdout_fraction: float):
    if not captions:
        return None
    return TrainingPair(item_id, image_path, tuple(dict.fromkeys(captions)), attrs,
                        is_held_out(item_id, holdout_fraction))


def folder_vocabulary(catalog_dir: Path) -> Vocabulary:
    """The vocabulary written beside a sample-format catalog, or the empty one (captions from text only)."""
    from engine.vocabulary import read_vocabulary_file

    path = Path(catalog_dir) / VOCABULARY_FILE
    return read_vocabulary_file(path) if path.is_file() else EMPTY


def load_pairs(catalog_dir: Path, vocab: Vocabulary | None = None, *, holdout_fraction: float) -> list[TrainingPair]:
    """Read a sample-format folder's `items.parquet` and build every item's captions (`vocab`: the folder's own
    vocabulary.toml when not given)."""
    import pyarrow.parquet as pq

    path = Path(catalog_dir) / "items.parquet"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found; --catalog must be a folder with items.parquet beside its images "
            "(as `workbench generate-sample` writes); leave --catalog out to train on the workspace's items"
        )
    vocab = folder_vocabulary(catalog_dir) if vocab is None else vocab
    rows = pq.read_table(path).to_pylist()
    if not rows:
        raise ValueError(f"{path} has no rows; nothing to train on")
    missing = {"item_id", "image_path"} - set(rows[0])
    if missing:
        raise ValueError(f"{path} lacks the columns {sorted(missing)}; they are required for training")
    by_id = {r["item_id"]: r for r in rows}
    pairs = []
    for r in rows:
        attrs = {f: r[f] for f in vocab.family_names if r.get(f)}
        captions = attribute_captions(attrs, vocab)
        if r.get("objects"):
            captions += scene_captions([by_id.get(o["item_id"], {}) for o in r["objects"]], vocab)
        captions += metadata_captions(r.get("title"), r.get("description"), r.get("tags"))
        pair = _pair(r["item_id"], Path(catalog_dir) / r["image_path"], attrs, captions, holdout_fraction)
        if pair is not None:
            pairs.append(pair)
    return pairs


def workspace_pairs(workspace, vocab: Vocabulary, *, holdout_fraction: float) -> list[TrainingPair]:
    """Every ingested item of the workspace with an image, captioned from its attributes, title and tags."""
    from engine.index.store import open_items_table, read_columns

    table = open_items_table(workspace)
    columns = [c for c in ITEM_COLUMNS if c in table.schema.names]
    pairs = []
    for r in sorted(read_columns(table, columns).to_pylist(), key=lambda r: r["item_id"]):
        if not r.get("image_path"):
            continue
        attrs = item_values(vocab, attributes=r.get("attributes"), extra=r.get("extra"),
                            tagged=r.get("tagged_attributes"))
        captions = attribute_captions(attrs, vocab)
        captions += metadata_captions(r.get("title"), r.get("description"), r.get("tags"))
        pair = _pair(r["item_id"], Path(workspace.root) / r["image_path"], attrs, captions, holdout_fraction)
        if pair is not None:
            pairs.append(pair)
    if not pairs:
        raise ValueError(f"no item of {workspace.root} has an image and any text (attributes, title, description "
                         "or tags) to caption it; ingest a catalog with those (`workbench ingest`)")
    return pairs
