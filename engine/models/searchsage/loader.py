"""SearchSage for a search: the workspace's checkpoint, checked against its catalog and columns, loaded once."""

from __future__ import annotations

from engine.index.columns import IMAGE_VEC, recorded_identity
from engine.models.errors import CheckpointError, ModelMismatchError
from engine.models.searchsage.checkpoint import catalog_hash, load_searchsage, remake, workspace_checkpoint
from engine.models.searchsage.item_column import LEARNED_VEC, learned_column_identity
from engine.models.searchsage.query_cache import QueryEmbeddingCache

CACHE_KEY = "searchsage"
QUERY_CACHE_KEY = "searchsage_query_cache"


class SearchSageMissingError(CheckpointError):
    """A workspace with no trained SearchSage model (or no `learned_vec` column)."""


def searchsage_for(context):
    """(SearchSage, its metadata) for a SearchContext, kept in context.cache."""
    if CACHE_KEY in context.cache:
        return context.cache[CACHE_KEY]
    home = context.workspace.root
    path = workspace_checkpoint(context.workspace)
    recorded = learned_column_identity(context.table)
    if not path.is_file() or recorded is None:
        missing = f"no checkpoint {path}" if not path.is_file() else f"no {LEARNED_VEC} column in its items table"
        raise SearchSageMissingError(f"the `learned` CG needs a trained SearchSage model, but the workspace {home} "
                                     f"has {missing}; train one with `workbench train searchsage --home {home}`")
    model, meta = load_searchsage(path, expected_catalog_hash=catalog_hash(context.items),
                                  expected_text_model=context.text_encoder.identity.key(), home=home)
    image = recorded_identity(context.table.schema, IMAGE_VEC)
    if meta.image_model and image is not None and image.key() != meta.image_model:
        raise ModelMismatchError(f"searchsage checkpoint {path} was trained on image vectors of {meta.image_model}, "
                                 f"but the index's are made by {image.key()}; {remake(home)}")
    if recorded.checkpoint_sha256 != meta.checkpoint_sha256:
        raise ModelMismatchError(f"the {LEARNED_VEC} column was written by checkpoint sha256:"
                                 f"{recorded.checkpoint_sha256[:12]}… but {path} is sha256:"
                                 f"{meta.checkpoint_sha256[:12]}…; {remake(home)}")
    context.cache[CACHE_KEY] = (model, meta)
    return context.cache[CACHE_KEY]


def query_cache_for(context) -> QueryEmbeddingCache:
    """The context's learned query-embedding cache (created on first use)."""
    return context.cache.setdefault(QUERY_CACHE_KEY, QueryEmbeddingCache())
