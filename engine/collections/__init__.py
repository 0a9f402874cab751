"""Shopping collections (PinLanding): topics from co-occurring item attributes weighted by search demand (or by
supply without a search log), and feeds; every stage reads the workspace's Vocabulary."""

from engine.collections.build import BuildReport, build_collections
from engine.collections.demand import demand_table, query_targets, read_search_queries, topic_demand
from engine.collections.errors import CollectionsError, CollectionsMissingError
from engine.collections.feeds import build_feeds_sql, feeds_oracle
from engine.collections.records import WEIGHTINGS, CollectionSettings, FeedRow, Topic, topic_id_of
from engine.collections.sources import LoadedAttributes, item_attributes
from engine.collections.storage import (Collection, load_collections, load_manifest, recorded_vocabulary,
                                        save_collections)
from engine.collections.titles import title_order, topic_title
from engine.collections.topics import count_supports, label_tiers, propose_topics, weighting_of
from engine.collections.vocabulary_roles import product_type_of

__all__ = [
    "WEIGHTINGS", "BuildReport", "Collection", "CollectionSettings", "CollectionsError", "CollectionsMissingError",
    "FeedRow", "LoadedAttributes", "Topic", "build_collections", "build_feeds_sql", "count_supports", "demand_table",
    "feeds_oracle", "item_attributes", "label_tiers", "load_collections", "load_manifest", "product_type_of",
    "propose_topics", "query_targets", "read_search_queries", "recorded_vocabulary", "save_collections",
    "title_order", "topic_demand", "topic_id_of", "topic_title", "weighting_of",
]
