"""Shared fixtures: one small generated sample catalog and a workspace with it ingested."""

from __future__ import annotations

import pytest

from engine.workspace import Workspace

SAMPLE_N = 80
SAMPLE_SEED = 3


@pytest.fixture(scope="session")
def sample_catalog(tmp_path_factory):
    """A generated catalog folder (items.parquet, images/, vlm_attributes.jsonl, search_log/)."""
    from sample_data.generate import generate_sample

    out = tmp_path_factory.mktemp("sample")
    generate_sample(out, n=SAMPLE_N, seed=SAMPLE_SEED, workers=2, progress=False)
    return out


@pytest.fixture(scope="session")
def ingested_workspace(tmp_path_factory, sample_catalog) -> Workspace:
    """A workspace whose LanceDB items table holds the sample catalog."""
    from engine.catalog import ingest_catalog

    workspace = Workspace(tmp_path_factory.mktemp("workspace")).create()
    report = ingest_catalog(workspace, sample_catalog, sample_catalog / "items.parquet", progress=False)
    if report.skipped:
        raise RuntimeError(f"sample catalog rows were skipped: {report.skipped[:3]}")
    return workspace
