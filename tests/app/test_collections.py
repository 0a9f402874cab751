"""Collections page under AppTest: the note before a build, browsing topics by tier and text, a feed's grid, guard."""

from __future__ import annotations

import pytest

from engine.catalog import list_items
from engine.collections.records import FeedRow, Topic, topic_id_of
from engine.collections.storage import save_collections
from engine.workspace import Workspace
from tests.app.test_dashboard import page, person

TOPICS = [  # (title, attributes, tier)
    ("red summer dresses", (("category", "dress"), ("color", "red"), ("season", "summer")), "head"),
    ("black leather boots", (("category", "boots"), ("color", "black"), ("material", "leather")), "tail"),
]


@pytest.fixture
def with_collections(tmp_path, ingested_workspace) -> Workspace:
    """A workspace sharing the ingested catalog, with two saved topics whose feeds hold 3 and 2 products."""
    workspace = Workspace(tmp_path / "ws")
    workspace.root.mkdir()
    for folder in ("catalog", "lancedb"):
        (workspace.root / folder).symlink_to(ingested_workspace.root / folder, target_is_directory=True)
    ids = [item.item_id for item in list_items(workspace, limit=5, kind="product").items]
    topics = [Topic(topic_id_of(attrs), title, attrs, 12, 40 - n, 5, tier)
              for n, (title, attrs, tier) in enumerate(TOPICS)]
    feeds = [FeedRow(topics[0].topic_id, r, item, 1.0) for r, item in enumerate(ids[:3], start=1)]
    feeds += [FeedRow(topics[1].topic_id, r, item, 1.0) for r, item in enumerate(ids[3:5], start=1)]
    save_collections(workspace, topics, feeds, {"settings": "{}"})
    return workspace


def test_before_a_build_the_page_says_what_to_run(monkeypatch, tmp_path):
    at = page("collections.py", monkeypatch, tmp_path).run()
    assert not at.exception and "Run `workbench collections build` first" in at.info[0].value


@pytest.mark.parametrize("role", ["researcher", "admin"])
def test_topics_filter_and_the_feed_shows(monkeypatch, with_collections, role):
    at = page("collections.py", monkeypatch, with_collections.root, person(role)).run()
    assert not at.exception
    assert at.caption[0].value == "2 of 2 topics"
    assert at.selectbox(key="collections_topic").value == topic_id_of(TOPICS[0][1])
    assert len(at.image) == 3  # the first topic's feed
    at.selectbox(key="collections_tier").select("tail").run()
    assert at.caption[0].value == "1 of 2 topics" and len(at.image) == 2
    at.selectbox(key="collections_tier").select("all").run()
    at.text_input(key="collections_text").input("leather").run()
    assert at.caption[0].value == "1 of 2 topics" and at.subheader[0].value == "black leather boots"
    at.text_input(key="collections_text").input("zzz").run()
    assert at.warning[0].value == "No topics match these filters."


def test_a_rater_sees_the_guard_and_nothing_else(monkeypatch, with_collections):
    at = page("collections.py", monkeypatch, with_collections.root, person("rater")).run()
    assert not at.exception and "Not allowed" in at.error[0].value
    assert not at.title and not at.selectbox and not at.image


def test_labeling_a_feed_creates_its_binary_tasks_once(monkeypatch, with_collections):
    from labels import open_store
    from tests.app.labeling_workspace import store_of

    at = page("collections.py", monkeypatch, with_collections.root, person("researcher")).run()
    at.button(key="collections_label_feed").click().run()
    assert not at.exception and not at.error
    assert "3 new tasks" in at.success[0].value  # the first topic's feed holds 3 products
    at.button(key="collections_label_feed").click().run()
    assert not at.exception and "already pooled" in at.info[0].value
    store = store_of(with_collections)
    query_id = f"collection-{topic_id_of(TOPICS[0][1])}"
    assert [(q.query_id, q.text, q.query_type) for q in store.queries("collections")] == [
        (query_id, "red summer dresses", "text")]
    runs = store.run_results_frame(["collection-feed"], "collections")
    assert len(runs) == 3 and runs["run_id"].nunique() == 1
    store.add_rater("ann", "Ann", role="rater")
    tasks = store.query_tasks("ann", query_id, mode="binary", limit=20)
    assert len(tasks) == 3  # one binary task per feed item, not duplicated by the second click
