"""OmniSearchSage-style learned query and item embeddings: tokenizers, hash embeddings, towers, training, the cache."""

from engine.models.searchsage.checkpoint import (
    CatalogMismatchError,
    SearchSageMeta,
    catalog_hash,
    load_searchsage,
    save_searchsage,
    workspace_checkpoint,
)
from engine.models.searchsage.data import PairSet, SearchLog, SearchLogError, load_search_log, make_pairs
from engine.models.searchsage.item_column import LEARNED_VEC, write_learned_vectors
from engine.models.searchsage.loader import SearchSageMissingError, query_cache_for, searchsage_for
from engine.models.searchsage.loss import sampled_softmax_loss
from engine.models.searchsage.model import ItemEncoder, QueryEncoder, SearchSage, SearchSageArchitecture
from engine.models.searchsage.query_cache import QueryEmbeddingCache
from engine.models.searchsage.train import SearchSageSettings, fit
from engine.models.searchsage.workspace_train import SearchSageReport, train_workspace

__all__ = [
    "LEARNED_VEC",
    "CatalogMismatchError",
    "ItemEncoder",
    "PairSet",
    "QueryEmbeddingCache",
    "QueryEncoder",
    "SearchLog",
    "SearchLogError",
    "SearchSage",
    "SearchSageArchitecture",
    "SearchSageMeta",
    "SearchSageMissingError",
    "SearchSageReport",
    "SearchSageSettings",
    "catalog_hash",
    "fit",
    "load_search_log",
    "load_searchsage",
    "make_pairs",
    "query_cache_for",
    "sampled_softmax_loss",
    "save_searchsage",
    "searchsage_for",
    "train_workspace",
    "workspace_checkpoint",
    "write_learned_vectors",
]
