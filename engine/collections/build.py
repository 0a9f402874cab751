"""`workbench collections build`: item attributes + search log (if any) -> topics -> feeds -> WORKSPACE/collections/.

Every stage reads the workspace's vocabulary (demand parsing, titles, the product-type family); the build
records its hash, so that collections made with another vocabulary are reported stale.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from engine.collections.demand import query_targets, read_search_queries
from engine.collections.feeds import build_feeds_sql
from engine.collections.records import CollectionSettings
from engine.collections.sources import item_attributes
from engine.collections.storage import save_collections
from engine.collections.topics import Judge, propose_topics, weighting_of
from engine.collections.vocabulary_roles import product_type_of
from engine.vocabulary import Vocabulary
from engine.workspace import Workspace


@dataclass
class BuildReport:
    """What one build made, and how long each stage took."""

    source: str  # the items table column the attributes came from
    items: int
    searches: int  # searches read from the log (0 without one)
    search_log: str | None
    judge: str | None
    weighting: str = "demand"  # "demand" (searches, from the log) or "supply" (items carrying a topic: no log)
    product_type: str = ""  # the vocabulary family topics are anchored on
    vocabulary_hash: str = ""  # the vocabulary the topics were built with (stale detection)
    topics: int = 0
    head: int = 0
    tail: int = 0
    feed_rows: int = 0
    empty_feeds: int = 0
    settings: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    folder: str = ""
    scenes: int = 0  # scene photos among the items, left out of topics and feeds
    attributes: int = 0  # item attributes read (products only)
    below_confidence: int = 0  # of those, below settings' min_confidence (ignored)
    min_confidence: float = 0.0

    def to_dict(self) -> dict:
        return dict(self.__dict__)

    def summary(self) -> str:
        lines = [
            f"{self.topics} topics ({self.head} head, {self.tail} tail) from {self.items} items' "
            f"'{self.source}' attributes" + (f" ({self.scenes} scene photos left out)" if self.scenes else ""),
            f"demand: {self.searches} searches from {self.search_log}" if self.search_log
            else "weighting: by supply (no search log: topics are ordered and split into head and tail by the "
                 "items carrying them); pass --search-log DIR to weigh them by searches",
            f"judge: {self.judge or 'none (topics not judge-filtered)'}",
            f"feeds: {self.feed_rows} rows, mean {self.feed_rows / max(self.topics, 1):.1f} per topic, "
            f"{self.empty_feeds} empty",
            "time: " + ", ".join(f"{k} {v:.2f}s" for k, v in self.seconds.items()),
            f"written to {self.folder}",
        ]
        if self.below_confidence:
            lines.insert(1, f"{self.below_confidence} of {self.attributes} item attributes are below --min-confidence "
                            f"{self.min_confidence:g} and were ignored")
        if not self.topics and self.below_confidence:
            lines.insert(2, "no topics: too few items carry a topic's attributes at that confidence; lower "
                            "--min-confidence (0 keeps every attribute; the tagger's confidences are calibrated "
                            "per attribute), lower --min-support or --min-overlap, or retrain the tagger on more "
                            "items (`workbench attributes run`)")
        return "\n".join(lines)


def build_collections(workspace: Workspace, vocab: Vocabulary, settings: CollectionSettings = CollectionSettings(),
                      search_log: Path | None = None, judge: Judge | None = None,
                      judge_name: str | None = None) -> BuildReport:
    """Read attributes and demand, propose topics, build feeds with SQL, save everything; returns the report.

    Without a search log topics are weighted by supply (the report says so).
    """
    clock = time.perf_counter()
    loaded = item_attributes(workspace)  # first: a workspace not ingested or indexed yet says so
    noun = product_type_of(vocab)
    queries = read_search_queries(search_log) if search_log is not None else []
    targets = query_targets(queries, vocab) if search_log is not None else None
    read_s = time.perf_counter() - clock

    clock = time.perf_counter()
    topics = propose_topics(loaded.attributes, vocab, settings, targets, judge)
    topics_s = time.perf_counter() - clock

    clock = time.perf_counter()
    feeds = build_feeds_sql(topics, loaded.attributes, noun, settings)
    feeds_s = time.perf_counter() - clock

    fed = {f.topic_id for f in feeds}
    report = BuildReport(loaded.source, loaded.items, len(queries), str(search_log) if search_log else None,
                         judge_name if judge is not None else None, weighting=weighting_of(targets),
                         product_type=noun, vocabulary_hash=vocab.hash, topics=len(topics),
                         head=sum(t.tier == "head" for t in topics), tail=sum(t.tier == "tail" for t in topics),
                         feed_rows=len(feeds), empty_feeds=sum(t.topic_id not in fed for t in topics),
                         settings=settings.text(), scenes=loaded.scenes, attributes=len(loaded.attributes),
                         below_confidence=sum(a.confidence < settings.min_confidence for a in loaded.attributes),
                         min_confidence=settings.min_confidence,
                         seconds={"read": round(read_s, 3), "topics": round(topics_s, 3), "feeds": round(feeds_s, 3)})
    manifest = {k: v for k, v in report.to_dict().items() if k != "folder"}
    report.folder = str(save_collections(workspace, topics, feeds, manifest))
    return report
