"""The search engine as the app uses it: one SearchContext per workspace per process, configs, uploads, queries."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import streamlit as st

from engine.records import Query
from engine.workspace import Workspace

UPLOADS_DIR = "uploads"
UPLOAD_TYPES = ("jpg", "jpeg", "png", "webp")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
WARNINGS_TTL_S = 30  # how long a page reuses the vocabulary warnings (stages record files; see vocabulary_warnings)
_PRELOADED: dict[str, object] = {}  # root -> SearchContext handed in by tests and benchmarks


def preload(context) -> None:
    """Use an already opened SearchContext for its workspace (tests and benchmarks load the models once)."""
    _PRELOADED[str(context.workspace.root)] = context


@st.cache_resource(show_spinner="Loading the index and the models (once per server)…")
def _context(root: str):
    from engine.pipeline.context import SearchContext

    return _PRELOADED.get(root) or SearchContext.open(Workspace(Path(root)))


def search_context(workspace: Workspace):
    """The workspace's SearchContext, opened once per process; FileNotFoundError when it is not indexed."""
    root = str(workspace.root)
    if root in _PRELOADED:
        return _PRELOADED[root]
    return _context(root)


@st.cache_resource(show_spinner=False)
def _config(name: str, root: str):
    from engine.pipeline.config import load_config

    return load_config(name, Workspace(Path(root)))


def config(name: str, workspace: Workspace):
    """A pipeline config by name (configs/ or WORKSPACE/configs/), parsed once per process."""
    return _config(name, str(workspace.root))


def config_names(workspace: Workspace, store=None) -> list[str]:
    """Every known config name (built-in, the workspace's own, http endpoints; with a store, also the imported
    runs, which answer stored queries only), for selects."""
    from engine.pipeline.config import known_configs

    names = known_configs(workspace)
    if store is not None:
        from workbench.stored_runs import imported_configs

        names += [n for n in imported_configs(store) if n not in names]
    return names


def response_for(workspace: Workspace, store, query: Query, config_name: str, k: int, record=None):
    """run_search, except that an imported run answers from the store for a stored query (`record`)."""
    from workbench.stored_runs import imported_configs, stored_response

    imported = imported_configs(store).get(config_name) if store is not None else None
    if imported is None:
        return run_search(workspace, query, config_name, k)
    if record is None:
        raise ValueError(f"config {config_name!r} is an imported run: it has rankings of stored queries only; "
                         "choose \"A stored query\"")
    try:
        context = search_context(workspace)
    except (FileNotFoundError, ValueError):
        context = None
    return stored_response(store, context, record, imported, k)


def default_config(workspace: Workspace, names: list[str], preferred: tuple[str, ...], fallback: int = 0) -> int:
    """Index in `names` of the first preferred config whose trained models the workspace has (for selects)."""
    from engine.pipeline.requirements import missing_models

    for name in preferred:
        if name in names and not missing_models(config(name, workspace), workspace):
            return names.index(name)
    return min(fallback, max(len(names) - 1, 0))


def missing_models_note(workspace: Workspace, config_name: str) -> str | None:
    """What to train before searching with this config, or None (shown beside a config select)."""
    from engine.pipeline.requirements import missing_models_message

    return missing_models_message(config(config_name, workspace), workspace)


def run_search(workspace: Workspace, query: Query, config_name: str, k: int):
    """One query through one config (the SearchResponse), with the context and config loaded once.

    An external endpoint that nothing answers at is a ValueError here, like every other bad input a page
    shows with st.error (its message names the endpoint)."""
    from engine.external import EndpointUnreachable
    from engine.pipeline.search import search

    try:
        return search(search_context(workspace), query, config(config_name, workspace), k)
    except EndpointUnreachable as error:
        raise ValueError(str(error)) from None


def query_from_record(record) -> Query:
    """The engine Query of a stored labels.QueryRecord."""
    crop = tuple(record.crop) if record.crop is not None else None
    return Query(text=record.text or "", item_id=record.image_item_id, image_path=record.image_path, crop=crop)


def query_record(understood, query_set: str):
    """A labels.QueryRecord for an understood query, with an id derived from its content (sending twice is a no-op)."""
    from labels import QueryRecord

    q = understood.query
    content = json.dumps([query_set, q.text, q.item_id, q.image_path, list(q.crop) if q.crop else None])
    query_id = "explore-" + hashlib.sha256(content.encode()).hexdigest()[:12]
    return QueryRecord(query_id=query_id, query_set=query_set, query_type=understood.mode, text=q.text or None,
                       image_item_id=q.item_id, image_path=q.image_path, crop=q.crop,
                       target_attributes=dict(understood.target_attributes))


def save_upload(workspace: Workspace, data: bytes, filename: str) -> Path:
    """Store uploaded image bytes as WORKSPACE/uploads/<sha256>.<ext> (the same image twice is one file)."""
    extension = Path(filename).suffix.lower().lstrip(".")
    if extension not in UPLOAD_TYPES:
        raise ValueError(f"uploaded file {filename!r} is not an image this app reads; upload one of "
                         f"{', '.join(UPLOAD_TYPES)}")
    if not data or len(data) > MAX_UPLOAD_BYTES:
        raise ValueError(f"uploaded file {filename!r} has {len(data):,} bytes; upload a non-empty image of at most "
                         f"{MAX_UPLOAD_BYTES // 2**20} MiB")
    from engine.catalog.images import check_image_bytes

    check_image_bytes(data, repr(filename))  # the ingest's pixel limits, before anything decodes it
    folder = workspace.root / UPLOADS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{hashlib.sha256(data).hexdigest()}.{extension}"
    if not target.exists():
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
        partial.write_bytes(data)
        os.replace(partial, target)
    return target


def time_queries(workspace: Workspace, queries, config_names_: list[str], k: int) -> list[dict]:
    """Run each query through each config; one row per (config, query, stage) with its milliseconds."""
    rows = []
    for name in config_names_:
        for query_id, query in queries:
            started = time.perf_counter()
            response = run_search(workspace, query, name, k)
            rows += [{"config": name, "query_id": query_id, "stage": stage, "ms": ms}
                     for stage, ms in response.timings_ms.items()]
            rows.append({"config": name, "query_id": query_id, "stage": "wall",
                         "ms": (time.perf_counter() - started) * 1000})
    return rows


@st.cache_resource(show_spinner=False)
def _image_paths(root: str) -> dict[str, str]:
    from engine.index.store import open_items_table, read_columns

    table = open_items_table(Workspace(Path(root)), create=False)
    return {r["item_id"]: r["image_path"] for r in read_columns(table, ["item_id", "image_path"]).to_pylist()}


def image_paths(workspace: Workspace) -> dict[str, str]:
    """item_id -> image path (relative to the workspace), read once per process without loading any model."""
    return _image_paths(str(workspace.root))


@st.cache_resource(show_spinner=False)
def _categories(root: str) -> tuple[str | None, list[str]]:
    context = search_context(Workspace(Path(root)))
    family = context.vocabulary.product_type
    if family is None:
        return None, []
    return family, sorted({row["attributes"].get(family) for row in context.items.values()
                           if row["attributes"].get(family)})


def item_categories(workspace: Workspace) -> tuple[str | None, list[str]]:
    """The vocabulary's product-type family and the values items carry, sorted (computed once per process);
    (None, []) when the vocabulary names no product type."""
    return _categories(str(workspace.root))


@st.cache_data(ttl=WARNINGS_TTL_S, show_spinner=False)
def _vocabulary_warnings(root: str) -> list[str]:
    return search_context(Workspace(Path(root))).vocabulary_warnings()


def vocabulary_warnings(workspace: Workspace) -> list[str]:
    """What the user should know about the vocabulary searches read (none yet, or stages made with another).
    Reading every stage's record opens files, so a rerun reuses the answer for WARNINGS_TTL_S seconds: a stage
    refreshed from the command line while the app runs shows within that time."""
    return _vocabulary_warnings(str(workspace.root))
