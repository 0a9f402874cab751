"""A copy of the ingested sample workspace and a real local search server answering from its LanceDB table."""

from __future__ import annotations

import shutil

import pytest

from engine.workspace import Workspace
from tests.external.search_server import SearchServer, items_of_table


@pytest.fixture(scope="module")
def http_workspace(tmp_path_factory, ingested_workspace) -> Workspace:
    workspace = Workspace(tmp_path_factory.mktemp("external") / "ws")
    shutil.copytree(ingested_workspace.root, workspace.root, ignore=shutil.ignore_patterns("judgments.duckdb*"))
    (workspace.root / "configs").mkdir(exist_ok=True)
    return workspace


@pytest.fixture(scope="module")
def server(http_workspace):
    running = SearchServer(items_of_table(http_workspace)).start()
    yield running
    running.stop()


@pytest.fixture
def fresh(server):
    """The server with its request log and failure counters cleared."""
    server.requests.clear()
    server.failures_left.clear()
    return server


def write_config(workspace: Workspace, name: str, text: str) -> str:
    (workspace.root / "configs" / f"{name}.toml").write_text(text, encoding="utf-8")
    return name
