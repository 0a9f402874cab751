"""The admin loop in a real browser while the app serves: an admin uploads a query set, `workbench eval run` (a
second process) and the Runs tab both run configs over it, the admin builds a task pool and keeps it to one
rater; that rater signs in, labels from the keyboard, reloads the page and finds the same task on screen (signed
in, no second claim), and labels on. The judgments land in DuckDB against the new query set.

Needs /usr/bin/chromium and /usr/bin/chromedriver, as tests/e2e/test_browser.py does.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from engine.workspace import Workspace
from tests.e2e import streamlit_page as page
from tests.e2e.conftest import ARTIFACTS, RATER, RESEARCHER, start_app
from tests.e2e.test_browser import label_with_keyboard, sign_in, task_on_screen

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

LOOP_SET = "loop"
LOOP_QUERIES = (  # over the 80-item sample (seed 3)
    {"query_id": "loop-1", "text": "black pants", "item": None, "crop": None, "mode": "text"},
    {"query_id": "loop-2", "text": "in white", "item": "p000002", "crop": None, "mode": "pivot"},
)
SECOND_RATER = ("ben", "Ben Rater", "rater", "ben-secret-1")  # the pool is kept from him


@pytest.fixture(scope="module")
def loop_workspace(tmp_path_factory, search_context):
    """The indexed sample with an empty judgment store but for an admin and two raters."""
    from labels import open_store

    workspace = Workspace(tmp_path_factory.mktemp("loop") / "ws")
    shutil.copytree(search_context.workspace.root, workspace.root)
    workspace.judgments_path.unlink(missing_ok=True)
    with open_store(workspace.judgments_path) as store:
        for rater_id, name, role, password in (RATER, RESEARCHER, SECOND_RATER):
            store.add_rater(rater_id, name, role=role, password=password)
    return workspace


def open_tab(driver, name: str) -> None:
    from selenium.webdriver.common.by import By

    page.wait_for(driver, lambda d: next((t for t in d.find_elements(By.CSS_SELECTOR, '[data-testid="stTab"]')
                                          if t.is_displayed() and t.text.strip() == name), None),
                  f"the {name!r} tab").click()
    page.settle(driver)


def choose(driver, key: str, option: str) -> None:
    """Add `option` to a keyed multiselect, by typing it and pressing Enter. (The selectboxes here have one option,
    the new query set or pool, chosen already.)"""
    from selenium.webdriver.common.keys import Keys

    field = page.keyed(driver, key, "input")
    field.click()
    field.send_keys(option)
    field.send_keys(Keys.ENTER)
    field.send_keys(Keys.ESCAPE)  # a multiselect keeps its list open after a pick
    page.settle(driver)


def wait_for_text(driver, text: str, what: str, timeout: float = 180) -> None:
    page.wait_for(driver, lambda d: page.idle(d) and text in page.main_text(d), what, timeout=timeout)
    page.settle(driver)


def upload_query_set(driver, path) -> None:
    from selenium.webdriver.common.by import By

    open_tab(driver, "Query sets")
    page.type_into(driver, "admin_qs_name", LOOP_SET)
    driver.find_element(By.CSS_SELECTOR, '.st-key-admin_qs_file input[type="file"]').send_keys(str(path))
    page.wait_for(driver, lambda d: path.name in page.main_text(d), "the uploaded file's name")
    page.click(driver, "admin_qs_submit")
    wait_for_text(driver, f"Query set '{LOOP_SET}': {len(LOOP_QUERIES)} new queries", "the query set to be created")


def eval_run_beside_the_app(workspace: Workspace) -> str:
    """`workbench eval run` in its own process while the app holds the store; returns its output."""
    done = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "eval", "run", "--configs", "baseline", "--query-set", LOOP_SET,
         "--home", str(workspace.root), "--wait", "120"],
        capture_output=True, text=True, timeout=400,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_admin_loop_then_a_rater_labels_reloads_and_goes_on(loop_workspace, browser, tmp_path):
    from labels import open_store

    queries = tmp_path / "loop.jsonl"
    queries.write_text("".join(json.dumps(q) + "\n" for q in LOOP_QUERIES))
    server = start_app(loop_workspace, auth="password")
    try:
        sign_in(browser, server.url, RESEARCHER)  # an admin
        page.open_page(browser, "Admin")
        upload_query_set(browser, queries)

        cli = eval_run_beside_the_app(loop_workspace)
        assert "queued" in cli and "applied to the store by the process that holds it" in cli

        open_tab(browser, "Runs")
        choose(browser, "admin_runs_configs", "full_standins")  # beside the default, baseline
        page.click(browser, "admin_runs_submit")
        wait_for_text(browser, "runs", "the in-app runs")  # the report: "N runs …"
        page.screenshot(browser, "admin_runs", ARTIFACTS)

        open_tab(browser, "Task pools")
        page.click(browser, "admin_pool_submit")
        wait_for_text(browser, "Pool 1:", "the pool report")
        choose(browser, "admin_keep_raters", RATER[0])
        page.click(browser, "admin_keep_submit")
        wait_for_text(browser, f"offered only to {RATER[0]}", "the pool kept to the rater")
        page.screenshot(browser, "admin_pools", ARTIFACTS)

        sign_in(browser, server.url, RATER)  # a fresh browser session: the rater
        page.open_page(browser, "Label")
        page.keyed(browser, "label_0")
        label_with_keyboard(browser, "2")
        shown = task_on_screen(browser)
        browser.refresh()  # a reload: still signed in, the same task on screen
        page.keyed(browser, "label_0")
        page.settle(browser)
        assert not page.has_key(browser, "signin_submit")
        assert task_on_screen(browser) == shown
        label_with_keyboard(browser, "3")
        page.screenshot(browser, "label_after_reload", ARTIFACTS)
    except BaseException:
        page.screenshot(browser, "admin_loop_failure", ARTIFACTS)
        print(server.log())
        raise
    finally:
        server.stop()

    with open_store(loop_workspace.judgments_path, read_only=True) as store:
        judged = store.judgments_frame(query_set=LOOP_SET, mode="graded").sort_values("judged_at")
        runs = store.run_results_frame(query_set=LOOP_SET)
        claims = store.count_rows("assignments")
        assert store.rater_progress(SECOND_RATER[0], mode="graded").open == 0  # the pool is not offered to ben
    assert set(runs["config_name"]) == {"baseline", "full_standins"}
    assert list(judged["rater_id"]) == [RATER[0]] * 2 and list(judged["label"]) == [2, 3]
    assert set(judged["query_id"]) <= {q["query_id"] for q in LOOP_QUERIES}
    assert claims == 3  # two judged and the one now on screen: the reload made no second claim
