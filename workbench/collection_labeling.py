"""A collection's feed as a Precision@10 labeling job: its topic title becomes a text query in the `collections`
query set, its top 10 a run of the `collection-feed` config, pooled into binary (relevant or not) tasks.

Orchestration that joins the engine's collections and the judgment store (labels/ owns every write), so it
lives in the workbench, as batch_runs.py does for runs.

Labeling a feed twice adds nothing: the query is the same record, and the run is recorded (and the pool
built) only when the stored latest run of the feed differs from the feed's current top 10.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from engine.collections.errors import CollectionsError
from labels import ConfigRecord, QueryRecord, RunResult

QUERY_SET = "collections"
QUERY_SET_DESCRIPTION = "collection feeds, one text query per topic title, judged for Precision@10"
CONFIG_NAME = "collection-feed"
CONFIG_JSON = json.dumps({"name": CONFIG_NAME, "source": "engine.collections feeds (rank order)"}, sort_keys=True)
FEED_K = 10
MODEL_VERSION = "collections"


@dataclass(frozen=True)
class FeedLabeling:
    """What labeling a feed did: its query, how many results it pools, and whether anything was new."""

    query_id: str
    n_results: int  # the feed's top results pooled (at most FEED_K)
    recorded: bool  # a new run was recorded and pooled (False: the same top results were already pooled)
    n_new_tasks: int  # tasks the pool created (0 when nothing was recorded or all pairs were already tasks)


def feed_query_id(topic_id: str) -> str:
    return f"collection-{topic_id}"


def feed_query(topic) -> QueryRecord:
    """The text query of a topic: its title, with the topic's attributes as the targets."""
    if not topic.title or not topic.title.strip():
        raise CollectionsError(f"topic {topic.topic_id!r} has no title; expected a query-like title to label its feed: "
                               "rebuild the collections (`workbench collections build`)")
    return QueryRecord(query_id=feed_query_id(topic.topic_id), query_set=QUERY_SET, query_type="text",
                       text=topic.title.strip(), target_attributes=topic.attribute_dict())


def feed_run(items, k: int = FEED_K) -> list[RunResult]:
    """The feed's first k item ids as a ranked run (score 1/rank: the feed's order, no reranker's score)."""
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise CollectionsError(f"k = {k!r}; expected a whole number >= 1 (results of the feed to label)")
    return [RunResult(rank, item_id, 1.0 / rank) for rank, item_id in enumerate(list(items)[:k], start=1)]


def feed_config() -> ConfigRecord:
    """The ConfigRecord every feed run is stored under."""
    return ConfigRecord(CONFIG_NAME, hashlib.sha256(CONFIG_JSON.encode()).hexdigest()[:16], CONFIG_JSON)


def label_feed(store, collection, *, k: int = FEED_K, index_version: str = "collections",
               seed: int = 0) -> FeedLabeling:
    """Make (idempotently) the binary tasks that judge a collection's top k: query, run, pool."""
    query = feed_query(collection.topic)
    run = feed_run(collection.items, k)
    if not run:
        raise CollectionsError(f"topic {collection.topic.title!r} has an empty feed; nothing to label. Lower the "
                               "collection settings' min_overlap or pick another topic")
    store.add_query_set(QUERY_SET, QUERY_SET_DESCRIPTION, exist_ok=True)
    store.add_queries([query])
    if CONFIG_NAME in {config.name for config in store.configs()}:  # else no feed was labeled yet
        stored = store.run_results_frame([CONFIG_NAME], QUERY_SET)
        stored = stored[stored["query_id"] == query.query_id].sort_values("rank")
        if list(stored["item_id"]) == [r.item_id for r in run]:
            return FeedLabeling(query.query_id, len(run), False, 0)
    store.record_run(feed_config(), query.query_id, run, model_version=MODEL_VERSION, index_version=index_version)
    report = store.build_task_pool(QUERY_SET, [CONFIG_NAME], k=k, overlap=1, mode="binary", seed=seed)
    return FeedLabeling(query.query_id, len(run), True, report.n_new_tasks)
