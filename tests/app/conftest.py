"""Fixtures of the labeling pages' tests: a seeded workspace (store with raters, runs and a pool), one
template per test module, copied fresh for each test, served under --auth password."""

import pytest

from .labeling_workspace import seeded_copy, seeded_template


@pytest.fixture(scope="module")
def template(request, tmp_path_factory, ingested_workspace):
    return seeded_template(tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1]) / "ws",
                           ingested_workspace)


@pytest.fixture
def workspace(tmp_path, monkeypatch, ingested_workspace, template):
    ws = seeded_copy(tmp_path / "ws", ingested_workspace, template)
    monkeypatch.setenv("WORKBENCH_HOME", str(ws.root))
    monkeypatch.setenv("WORKBENCH_AUTH", "password")
    return ws
