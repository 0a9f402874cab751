"""Fixtures for the real-browser test: a small indexed workspace with a labeling setup, a served app, headless Chromium.

The workspace is a copy of the session's indexed sample (tests/conftest.py `search_context`). Its judgment
store gets a query set of three queries, the runs of two configs over it (real searches), a graded and a
Precision@10 task pool over both configs' top 3, a rater and a researcher with passwords. The server is `workbench app --auth password`
on a free local port, started as a subprocess and always terminated.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from engine.workspace import Workspace
from tests.http_helpers import free_port, http_get

ARTIFACTS = Path(__file__).parent / "artifacts"  # gitignored: every run's screenshots and server log
# the README's copies, refreshed only on request (WORKBENCH_UPDATE_SCREENSHOTS=1 make test), so that a test
# run never leaves the checkout modified
SCREENSHOTS = (Path(__file__).parents[2] / "docs" / "screenshots"
               if os.environ.get("WORKBENCH_UPDATE_SCREENSHOTS") == "1" else None)
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

QUERY_SET = "e2e"
CONFIGS = ("baseline", "full_standins")
POOL_K = 3
P10_POOL_K = 10
RATER = ("ana", "Ana Rater", "rater", "ana-secret-1")
RESEARCHER = ("rhea", "Rhea Researcher", "admin", "rhea-secret-2")
# (query_id, type, text, reference item) over the 80-item sample (seed 3); p000000 is beige cotton pants
QUERIES = (
    ("e2e-q1", "pivot", "in black", "p000000"),
    ("e2e-q2", "text", "white satin dress", None),
    ("e2e-q3", "descriptor", "the same color", "p000002"),
)


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: drives the app in a real headless Chromium (tests/e2e)")


def _run_results(response) -> list:
    """A search response as the store's RunResults (only the numeric terms of each breakdown)."""
    from labels import RunResult

    results = []
    for r in response.results:
        raw = r.breakdown if isinstance(r.breakdown, dict) else getattr(r.breakdown, "to_dict", lambda: {})()
        terms = {k: float(v) for k, v in raw.items()
                 if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)}
        results.append(RunResult(r.rank, r.item_id, float(r.score), terms))
    return results


def populate_store(context, workspace: Workspace) -> dict:
    """Fill the workspace's judgment store for labeling; returns what was made (for the test's checks)."""
    from engine.pipeline.config import load_config
    from engine.pipeline.search import search
    from engine.records import Query
    from labels import ConfigRecord, QueryRecord, open_store

    with open_store(workspace.judgments_path) as store:
        store.add_query_set(QUERY_SET, "three queries for the browser test")
        store.add_queries([QueryRecord(qid, QUERY_SET, kind, text, item) for qid, kind, text, item in QUERIES])
        for name in CONFIGS:
            config = load_config(name)
            record = ConfigRecord(name, config.content_hash(), json.dumps(config.to_dict(), sort_keys=True))
            for qid, _kind, text, item in QUERIES:
                response = search(context, Query(text=text, item_id=item), config, k=10)
                store.record_run(record, qid, _run_results(response), model_version="sample", index_version="e2e")
        pool = store.build_task_pool(QUERY_SET, list(CONFIGS), k=POOL_K, overlap=1, seed=1)
        # Precision@10: deep enough that a page holds ten results (the layout must fit them in 1400x900)
        store.build_task_pool(QUERY_SET, list(CONFIGS), k=P10_POOL_K, overlap=1, mode="binary", seed=1)
        for rater_id, name, role, password in (RATER, RESEARCHER):
            store.add_rater(rater_id, name, role=role, password=password)
    return {"pool": pool}


@pytest.fixture(scope="module")
def e2e_workspace(tmp_path_factory, search_context):
    """A private copy of the indexed sample workspace with a query set, two configs' runs, a task pool and raters."""
    workspace = Workspace(tmp_path_factory.mktemp("e2e") / "ws")
    shutil.copytree(search_context.workspace.root, workspace.root)
    workspace.judgments_path.unlink(missing_ok=True)
    made = populate_store(search_context, workspace)
    assert made["pool"].n_tasks >= 3, made["pool"]
    save_topic(workspace)
    return workspace


FEED_TOPIC = ("black trousers", (("category", "pants"), ("color", "black")))


def save_topic(workspace: Workspace) -> None:
    """One collection (a topic and a 12-product feed), so that the Collections page has a feed to show."""
    from engine.catalog import list_items
    from engine.collections.records import FeedRow, Topic, topic_id_of
    from engine.collections.storage import save_collections

    title, attributes = FEED_TOPIC
    topic = Topic(topic_id_of(attributes), title, attributes, 12, 20, 5, "head")
    trousers = [item.item_id for item in list_items(workspace, limit=12, text="pants", kind="product").items]
    others = [item.item_id for item in list_items(workspace, limit=12, kind="product").items if item.item_id not in trousers]
    ids = (trousers + others)[:12]  # the sample's pants first, as a feed would rank them
    save_collections(workspace, [topic], [FeedRow(topic.topic_id, r, i, 1.0) for r, i in enumerate(ids, start=1)],
                     {"settings": "{}"})


@dataclass
class AppServer:
    """A running `workbench app` subprocess; `stop()` terminates it (and so its Streamlit child)."""

    process: subprocess.Popen
    url: str
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""


def start_app(workspace: Workspace, auth: str = "password", timeout: float = 90) -> AppServer:
    """`workbench app --auth AUTH --port FREE --home WS`, waited on until /_stcore/health answers."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = ARTIFACTS / "server.log"
    env = dict(os.environ, WORKBENCH_HOME=str(workspace.root))
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "workbench.cli", "app", "--auth", auth, "--port", str(port),
             "--home", str(workspace.root)],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    server = AppServer(process, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if http_get(f"{server.url}/_stcore/health") == "ok":
                return server
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise AssertionError(f"the app did not come up (exit {process.poll()}); its log:\n{server.log()}")


@pytest.fixture
def browser(monkeypatch):
    """Headless Chromium driven by Selenium, 1400x1000, with no network of its own (no sync, no updates)."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail(f"{CHROMIUM} or {CHROMEDRIVER} is missing; `make test` installs them "
                    "(scripts/ensure_chromium.sh: apt-get install chromium chromium-driver)")
    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager must never try to download a browser or driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=1400,1000"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_window_size(1400, 1000)
    try:
        yield driver
    finally:
        driver.quit()
