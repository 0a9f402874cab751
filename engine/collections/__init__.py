"""Shopping collections (PinLanding): topics from co-occurring item attributes weighted by search demand, and feeds."""

from engine.collections.build import BuildReport, build_collections
from engine.collections.demand import demand_table, query_targets, read_search_queries, topic_demand
from engine.collections.errors import CollectionsError, CollectionsMissingError
from engine.collections.feeds import build_feeds_sql, feeds_oracle
from engine.collections.records import CollectionSettings, FeedRow, Topic, topic_id_of
from engine.collections.sources import LoadedAttributes, item_attributes
from engine.collections.storage import Collection, load_collections, load_manifest, save_collections
from engine.collections.titles import topic_title
from engine.collections.topics import count_supports, label_tiers, propose_topics

__all__ = [
    "BuildReport", "Collection", "CollectionSettings", "CollectionsError", "CollectionsMissingError", "FeedRow",
    "LoadedAttributes", "Topic", "build_collections", "build_feeds_sql", "count_supports", "demand_table",
    "feeds_oracle", "item_attributes", "label_tiers", "load_collections", "load_manifest", "propose_topics",
    "query_targets", "read_search_queries", "save_collections", "topic_demand", "topic_id_of", "topic_title",
]
