"""A tiny labeling workspace for the app tests: the ingested sample's catalog, a fresh judgment store with two
queries, runs of two configs, a graded and a binary task pool, and one account per role."""

from __future__ import annotations

from pathlib import Path

from engine.catalog import list_items
from engine.workspace import Workspace
from labels import ConfigRecord, QueryRecord, RunResult

SECRETS = {"ann": "ann-secret-1", "ria": "ria-secret-1", "ada": "ada-secret-1"}
ROLES = {"ann": "rater", "ria": "researcher", "ada": "admin"}
CONFIG_NAMES = ("cfg_alpha", "cfg_beta")  # never shown to raters
K = 3


def make_workspace(root: Path, ingested: Workspace) -> Workspace:
    """A workspace at `root` sharing the ingested catalog and LanceDB table (read-only) with its own judgment store."""
    root.mkdir(parents=True)
    for folder in ("catalog", "lancedb"):
        (root / folder).symlink_to(ingested.root / folder, target_is_directory=True)
    return Workspace(root)


def seeded_copy(root: Path, ingested: Workspace, template: Path) -> Workspace:
    """A workspace at `root` whose judgment store is a copy of `template` (seeding once per module is faster)."""
    import shutil

    workspace = make_workspace(root, ingested)
    shutil.copyfile(template, workspace.judgments_path)
    return workspace


_TEMPLATES: dict[Path, Path] = {}  # ingested root -> seeded store file, made once per test session


def seeded_template(root: Path, ingested: Workspace) -> Path:
    """A seeded judgment store file (closed) to copy into each test's workspace; made once (hashing secrets is slow)."""
    from labels import open_store

    if ingested.root not in _TEMPLATES:
        workspace = make_workspace(root, ingested)
        with open_store(workspace.judgments_path) as store:
            seed(workspace, store)
        _TEMPLATES[ingested.root] = workspace.judgments_path
    return _TEMPLATES[ingested.root]


def store_of(workspace: Workspace):
    """The app process's store for this workspace: the very object the pages use (st.cache_resource)."""
    from workbench import state

    return state._store(str(workspace.judgments_path))


def seed(workspace: Workspace, store=None) -> dict:
    """Fill the workspace's store (default: the app's); returns the reference item id and the item ids used."""
    ids = [item.item_id for item in list_items(workspace, limit=20, kind="product").items]
    store = store if store is not None else store_of(workspace)
    for rater_id, role in ROLES.items():
        store.add_rater(rater_id, rater_id.title(), role=role, password=SECRETS[rater_id])
    store.add_query_set("qs", "two queries over the sample")
    store.add_queries([
        QueryRecord("q1", "qs", "pivot", "in black", ids[0], None, (0.1, 0.1, 0.9, 0.9), {"color": "black"}),
        QueryRecord("q2", "qs", "text", "red striped dress", None, None, None, {"color": "red"}),
    ])
    rankings = {"cfg_alpha": {"q1": ids[1:5], "q2": ids[5:9]}, "cfg_beta": {"q1": ids[2:6], "q2": ids[9:13]}}
    for name, by_query in rankings.items():
        config = ConfigRecord(name, f"hash-{name}", f'{{"name": "{name}"}}')
        for query_id, items in by_query.items():
            results = [RunResult(r, item, 1.0 - 0.1 * r, {"image_sim": 0.5}) for r, item in enumerate(items, start=1)]
            store.record_run(config, query_id, results, model_version="m", index_version="i")
    store.build_task_pool("qs", list(CONFIG_NAMES), k=K, overlap=1, mode="graded", seed=0)
    store.build_task_pool("qs", list(CONFIG_NAMES), k=K, overlap=1, mode="binary", seed=0)
    return {"reference": ids[0], "items": ids}
