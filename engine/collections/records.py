"""Typed records of collections: the settings, a topic (an attribute tuple with demand and title), a feed row."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from engine.collections.errors import CollectionsError

TIERS = ("head", "tail")
WEIGHTINGS = ("demand", "supply")  # what orders topics and splits head from tail: searches, or items carrying them


@dataclass(frozen=True)
class CollectionSettings:
    """How topics are proposed and feeds built; `text()` is its stable form (stored in the manifest)."""

    # The defaults are the operating point measured on the fashion sample's tagger attributes
    # (docs/benchmarks.md, "Collection Precision@10 per family"): every attribute required, each at least
    # 0.85 confident, gives feed P@10 0.98 (every family >= 0.96) with 1.2x the search-log baseline's topics.
    min_support: int = 2  # a topic needs at least this many items carrying its whole attribute tuple
    max_attributes: int = 3  # other attributes besides the product type in a topic: 1..max_attributes
    min_confidence: float = 0.85  # item attributes below this confidence are ignored (support and feeds)
    head_share: float = 0.2  # head = the heaviest topics (by demand, or supply without a log) holding this share
    min_overlap: int = 3  # a feed item must share the product type and >= min(min_overlap, n) of the topic's n others
    # (3, the most max_attributes allows: all of them, PinLanding's attribute-tuple matching; 1 pads short feeds
    # with partial matches)
    feed_size: int = 50  # products kept per topic
    min_judge_score: float = 0.5  # with a judge, topics scoring below this are dropped

    def __post_init__(self) -> None:
        checks = [
            ("min_support", self.min_support >= 1, "a whole number >= 1"),
            ("max_attributes", 1 <= self.max_attributes <= 3, "1, 2 or 3 (a product type plus one to three others)"),
            ("min_confidence", 0.0 <= self.min_confidence <= 1.0, "a number in 0..1"),
            ("head_share", 0.0 <= self.head_share <= 1.0, "a number in 0..1"),
            ("min_overlap", self.min_overlap >= 1, "a whole number >= 1"),
            ("feed_size", self.feed_size >= 1, "a whole number >= 1"),
            ("min_judge_score", 0.0 <= self.min_judge_score <= 1.0, "a number in 0..1"),
        ]
        for name, ok, expected in checks:
            if not ok:
                raise CollectionsError(f"collection setting {name}={getattr(self, name)!r} is invalid; expected {expected}")

    def text(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


Attributes = tuple[tuple[str, str], ...]  # ((family, value), ...) sorted by family


def topic_id_of(attributes: Attributes) -> str:
    """Stable id of an attribute tuple: the first 16 hex digits of sha1 over its sorted family=value pairs."""
    key = "|".join(f"{f}={v}" for f, v in sorted(attributes))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Topic:
    """One shopping topic: a product type plus one to three other attributes, with its support, demand and title."""

    topic_id: str
    title: str  # query-like: "yellow summer party dress"
    attributes: Attributes  # sorted by family; exactly one is of the vocabulary's product-type family
    support: int  # items carrying every attribute of the tuple
    demand: int  # searches whose parsed targets include every attribute of the tuple (see demand.py)
    exact_demand: int  # searches whose parsed targets are exactly the tuple
    tier: str  # "head" or "tail" (see topics.label_tiers; by demand, or by support without a search log)
    judge_score: float | None = None  # the judge's score of (attributes, title); None without a judge

    def product(self, product_type: str) -> str:
        """The topic's value of the product-type family ("dress", "mug")."""
        try:
            return dict(self.attributes)[product_type]
        except KeyError:
            raise CollectionsError(f"topic {self.title!r} has no {product_type!r} attribute (it has "
                                   f"{dict(self.attributes)}); rebuild the collections with `workbench collections "
                                   "build`") from None

    def attribute_dict(self) -> dict[str, str]:
        return dict(self.attributes)


@dataclass(frozen=True)
class FeedRow:
    """One product of one topic's feed."""

    topic_id: str
    rank: int  # 1-based
    item_id: str
    score: float  # confidence-weighted shared attributes (see feeds.py)
