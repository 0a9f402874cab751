"""Per-candidate ranking signals: image and text similarity, engagement, relevance, and item attributes."""

from engine.features.item_attributes import ItemAttributeReader
from engine.features.relevance import RELEVANCE_SCORERS, RelevanceScorer, get_relevance_scorer
from engine.features.signals import add_features, engagement_feature

__all__ = ["ItemAttributeReader", "RELEVANCE_SCORERS", "RelevanceScorer", "add_features", "engagement_feature",
           "get_relevance_scorer"]
