"""The columns `workbench index` adds to the items table, and the model metadata kept on vector columns."""

from __future__ import annotations

import json

import pyarrow as pa

from engine.models.errors import ModelMismatchError
from engine.models.identity import ModelIdentity

IMAGE_VEC, CLIP_TEXT_VEC, TEXT_VEC = "image_vec", "clip_text_vec", "text_vec"
ENRICHED_TEXT = "enriched_text"
MODEL_KEY = b"workbench.model"  # field metadata: the ModelIdentity (JSON) that made the column
LOAD_SPEC_KEY = b"workbench.load"  # field metadata: how to load that model again (JSON, e.g. a ClipSpec)
INDEX_KEY = b"workbench.index"  # field metadata: the VectorIndexPlan chosen for the column


def derived_fields(clip_dim: int, text_dim: int) -> list[pa.Field]:
    """Every derived column, nullable: ingest nulls them on changed rows, which marks the rows for re-embedding."""
    return [
        pa.field(IMAGE_VEC, pa.list_(pa.float32(), clip_dim), nullable=True),
        pa.field(CLIP_TEXT_VEC, pa.list_(pa.float32(), clip_dim), nullable=True),
        pa.field(TEXT_VEC, pa.list_(pa.float32(), text_dim), nullable=True),
        pa.field(ENRICHED_TEXT, pa.string(), nullable=True),
        pa.field("attributes", pa.string(), nullable=True),  # JSON {family: value}
        pa.field("attributes_source", pa.string(), nullable=True),  # "truth" (catalog columns) or a tagger name
        pa.field("impressions", pa.int64(), nullable=True),
        pa.field("clicks", pa.int64(), nullable=True),
        pa.field("long_clicks", pa.int64(), nullable=True),
        pa.field("saves", pa.int64(), nullable=True),
        pa.field("engagement", pa.float64(), nullable=True),  # smoothed weighted engagement rate
        pa.field("engaged_queries", pa.list_(pa.string()), nullable=True),
        pa.field("image_problem", pa.string(), nullable=True),  # why the image could not be embedded
    ]


def recorded_identity(schema: pa.Schema, column: str) -> ModelIdentity | None:
    """The model recorded on a vector column, or None when the column is new."""
    if column not in schema.names:
        return None
    meta = schema.field(column).metadata or {}
    if MODEL_KEY not in meta:
        return None
    return ModelIdentity.from_dict(json.loads(meta[MODEL_KEY]))


def check_model(schema: pa.Schema, column: str, model: ModelIdentity) -> None:
    """Refuse a model other than the one that made the column, or a vector of another dimension."""
    if column in schema.names:
        field_type = schema.field(column).type
        if pa.types.is_fixed_size_list(field_type) and field_type.list_size != model.dim:
            raise ModelMismatchError(
                f"column {column} holds {field_type.list_size}-d vectors but model {model.key()} makes "
                f"{model.dim}-d ones; index with the model that made it, or re-embed with `workbench index --rebuild`"
            )
    recorded = recorded_identity(schema, column)
    if recorded is not None and recorded.key() != model.key():
        raise ModelMismatchError(
            f"column {column} was made by {recorded.key()} but this index is opened with {model.key()}; "
            f"use the same model (see `workbench index --help`), or re-embed with `workbench index --rebuild`"
        )
