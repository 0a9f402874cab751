"""The `learned_vec` column: every item's SearchSage embedding, with the model that made it on the field."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa

from engine.index.columns import MODEL_KEY, recorded_identity
from engine.models.identity import ModelIdentity

LEARNED_VEC = "learned_vec"
ITEM_MODEL_NAME = "searchsage-item"


def learned_identity(checkpoint: Path, checkpoint_sha256: str, dim: int) -> ModelIdentity:
    """The identity recorded on `learned_vec`: the item tower of this checkpoint file."""
    return ModelIdentity(ITEM_MODEL_NAME, Path(checkpoint).name, checkpoint_sha256, dim)


def write_learned_vectors(table, item_ids: Sequence[str], vectors: np.ndarray, identity: ModelIdentity) -> int:
    """Replace `learned_vec` of these items (re-creating the column when its dimension changed) and record
    the model that made it."""
    vectors = np.asarray(vectors, np.float32)
    if vectors.shape != (len(item_ids), identity.dim):
        raise ValueError(f"{len(item_ids)} items need a ({len(item_ids)}, {identity.dim}) matrix, got {vectors.shape}")
    field_type = pa.list_(pa.float32(), identity.dim)
    if LEARNED_VEC in table.schema.names and table.schema.field(LEARNED_VEC).type != field_type:
        table.drop_columns([LEARNED_VEC])
    if LEARNED_VEC not in table.schema.names:
        table.add_columns([pa.field(LEARNED_VEC, field_type, nullable=True)])
    if len(item_ids):
        flat = pa.array(vectors.reshape(-1), pa.float32())
        schema = pa.schema([pa.field("item_id", pa.string(), nullable=False), pa.field(LEARNED_VEC, field_type)])
        data = pa.Table.from_arrays([pa.array(list(item_ids), pa.string()),
                                     pa.FixedSizeListArray.from_arrays(flat, identity.dim)], schema=schema)
        table.merge_insert("item_id").when_matched_update_all().execute(data)
    table.update_field_metadata({"path": LEARNED_VEC, "metadata": {
        MODEL_KEY.decode(): json.dumps(identity.to_dict(), sort_keys=True)}})
    return len(item_ids)


def learned_column_identity(table) -> ModelIdentity | None:
    """The item tower recorded on `learned_vec`, or None when the table has no such column."""
    return recorded_identity(table.schema, LEARNED_VEC)
