"""Shared fixtures: one small generated sample catalog and a workspace with it ingested."""

from __future__ import annotations

import pytest

from engine.vocabulary import save_workspace_vocabulary
from engine.workspace import Workspace
from sample_data.workspace_vocabulary import fashion_vocabulary

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
    save_workspace_vocabulary(workspace.root, fashion_vocabulary())
    return workspace



@pytest.fixture(scope="session")
def search_context(tmp_path_factory, ingested_workspace, sample_catalog):
    """A SearchContext over a copy of the ingested workspace, indexed once per session with the real committed
    sample model and MiniLM (and the sample's search log), as `workbench index` does."""
    import shutil
    from dataclasses import asdict

    from engine.index.build import build_index
    from engine.models.clip_encoder import ClipSpec, load_clip
    from engine.models.text_encoder import load_text_encoder
    from engine.pipeline.context import SearchContext

    workspace = Workspace(tmp_path_factory.mktemp("indexed") / "ws")
    shutil.copytree(ingested_workspace.root, workspace.root)
    spec = ClipSpec()
    clip, text = load_clip(spec), load_text_encoder()
    build_index(workspace, clip, text, search_log=sample_catalog / "search_log",
                load_specs={"clip": asdict(spec), "text": {"name_or_path": None}})
    return SearchContext.open(workspace, clip, text)
