"""A collection feed's Precision@10 labeling: one text query per topic, the feed's top 10 as a run, binary tasks."""

from __future__ import annotations

import pytest

from engine.collections.errors import CollectionsError
from workbench.collection_labeling import CONFIG_NAME, FEED_K, QUERY_SET, feed_query, feed_run, label_feed
from engine.collections.records import Topic, topic_id_of
from engine.collections.storage import Collection

ATTRS = (("category", "dress"), ("color", "red"))
TOPIC = Topic(topic_id_of(ATTRS), "red dresses", ATTRS, 12, 30, 4, "head")
FEED = tuple(f"p{n:03d}" for n in range(1, 13))  # 12 items: only the first 10 are labeled


@pytest.fixture
def store(tmp_path):
    from labels import open_store

    with open_store(tmp_path / "judgments.duckdb") as opened:
        opened.add_rater("ann", "Ann", role="rater")
        yield opened


def test_the_query_is_the_topic_title_and_the_run_the_feed_order():
    query = feed_query(TOPIC)
    assert (query.query_id, query.query_set, query.query_type, query.text) == (
        f"collection-{TOPIC.topic_id}", QUERY_SET, "text", "red dresses")
    assert query.target_attributes == {"category": "dress", "color": "red"}
    run = feed_run(FEED)
    assert [(r.rank, r.item_id, r.score) for r in run] == [(n, FEED[n - 1], 1 / n) for n in range(1, FEED_K + 1)]
    with pytest.raises(CollectionsError, match="k = 0"):
        feed_run(FEED, 0)


def test_labeling_a_feed_makes_ten_binary_tasks_once(store):
    first = label_feed(store, Collection(TOPIC, FEED))
    assert (first.n_results, first.recorded, first.n_new_tasks) == (FEED_K, True, FEED_K)
    again = label_feed(store, Collection(TOPIC, FEED))
    assert (again.query_id, again.recorded, again.n_new_tasks) == (first.query_id, False, 0)
    runs = store.run_results_frame([CONFIG_NAME], QUERY_SET)
    assert sorted(runs["item_id"]) == sorted(FEED[:FEED_K]) and runs["run_id"].nunique() == 1
    assert [q.query_id for q in store.queries(QUERY_SET)] == [first.query_id]
    task = store.assign_next("ann", mode="binary")
    page = store.query_tasks("ann", first.query_id, mode="binary", limit=20)
    assert task.query_id == first.query_id and {t.item_id for t in page} | {task.item_id} == set(FEED[:FEED_K])
    assert store.assign_next("ann", mode="graded") is None  # binary tasks only


def test_a_changed_feed_is_recorded_again_reusing_the_known_pairs(store):
    label_feed(store, Collection(TOPIC, FEED))
    changed = label_feed(store, Collection(TOPIC, FEED[1:]))  # one item left, p011 enters the top 10
    assert (changed.recorded, changed.n_new_tasks) == (True, 1)
    with pytest.raises(CollectionsError, match="empty feed"):
        label_feed(store, Collection(TOPIC, ()))
