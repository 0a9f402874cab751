"""Collections on disk: WORKSPACE/collections/topics.parquet, feeds.parquet and manifest.json."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from engine.collections.errors import CollectionsError, CollectionsMissingError
from engine.collections.records import FeedRow, Topic
from engine.workspace import Workspace

FOLDER = "collections"
TOPICS_FILE, FEEDS_FILE, MANIFEST_FILE = "topics.parquet", "feeds.parquet", "manifest.json"


def collections_dir(workspace: Workspace) -> Path:
    return workspace.root / FOLDER


@dataclass(frozen=True)
class Collection:
    """One topic with its feed's item ids in rank order: the `workbench collections list --json` line."""

    topic: Topic
    items: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"topic_id": self.topic.topic_id, "title": self.topic.title,
                "attributes": self.topic.attribute_dict(), "items": list(self.items)}


def save_collections(workspace: Workspace, topics: Sequence[Topic], feeds: Sequence[FeedRow], manifest: dict) -> Path:
    """Write the three files (replacing earlier ones); returns the folder."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = collections_dir(workspace)
    folder.mkdir(parents=True, exist_ok=True)
    topic_table = pa.table({
        "topic_id": pa.array([t.topic_id for t in topics], pa.string()),
        "title": pa.array([t.title for t in topics], pa.string()),
        "attributes": pa.array([json.dumps(dict(t.attributes), sort_keys=True) for t in topics], pa.string()),
        "support": pa.array([t.support for t in topics], pa.int64()),
        "demand": pa.array([t.demand for t in topics], pa.int64()),
        "exact_demand": pa.array([t.exact_demand for t in topics], pa.int64()),
        "tier": pa.array([t.tier for t in topics], pa.string()),
        "judge_score": pa.array([t.judge_score for t in topics], pa.float64()),
    })
    feed_table = pa.table({
        "topic_id": pa.array([f.topic_id for f in feeds], pa.string()),
        "rank": pa.array([f.rank for f in feeds], pa.int32()),
        "item_id": pa.array([f.item_id for f in feeds], pa.string()),
        "score": pa.array([f.score for f in feeds], pa.float64()),
    })
    pq.write_table(topic_table, folder / TOPICS_FILE)
    pq.write_table(feed_table, folder / FEEDS_FILE)
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return folder


def load_collections(workspace: Workspace) -> list[Collection]:
    """Every saved topic (in saved order: most demanded first) with its feed."""
    import pyarrow.parquet as pq

    folder = collections_dir(workspace)
    paths = [folder / TOPICS_FILE, folder / FEEDS_FILE]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise CollectionsMissingError(f"no collections in {workspace.root} ({', '.join(missing)} missing); "
                                      "make them with `workbench collections build`")
    try:
        topic_rows = pq.read_table(paths[0]).to_pylist()
        feed_rows = pq.read_table(paths[1], columns=["topic_id", "rank", "item_id"]).to_pylist()
        feeds: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for row in feed_rows:
            feeds[row["topic_id"]].append((row["rank"], row["item_id"]))
        out = []
        for row in topic_rows:
            attrs = tuple(sorted(json.loads(row["attributes"]).items()))
            topic = Topic(row["topic_id"], row["title"], attrs, row["support"], row["demand"],
                          row["exact_demand"], row["tier"], row["judge_score"])
            out.append(Collection(topic, tuple(i for _, i in sorted(feeds.get(topic.topic_id, [])))))
    except (KeyError, ValueError, TypeError) as error:
        raise CollectionsError(f"the collections in {folder} are unreadable ({error}); "
                               "rebuild them with `workbench collections build`") from None
    return out


def load_manifest(workspace: Workspace) -> dict:
    path = collections_dir(workspace) / MANIFEST_FILE
    if not path.is_file():
        raise CollectionsMissingError(f"{path} not found; make it with `workbench collections build`")
    return json.loads(path.read_text(encoding="utf-8"))


STALE_STAGE = "collections"  # the key of engine.vocabulary.REFRESH_COMMANDS


def recorded_vocabulary(workspace: Workspace) -> dict[str, str | None]:
    """{"collections": the vocabulary hash the built collections recorded (None: built before vocabularies)},
    or {} when none are built: what engine.vocabulary.stale_stages reads."""
    try:
        manifest = load_manifest(workspace)
    except CollectionsMissingError:
        return {}
    return {STALE_STAGE: manifest.get("vocabulary_hash") or None}
