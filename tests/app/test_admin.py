"""The Admin page: raters, query sets and task pools for admins only; its writes go through the store."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from labels import Rater
from labels.records import QUERY_TYPES
from workbench.query_template import query_template, template_records
from workbench.query_upload import QueryFileError, parse_query_jsonl

from .labeling_workspace import ROLES, SECRETS, store_of

PAGE = Path(__file__).parents[2] / "workbench" / "app_pages" / "admin.py"


def page_as(rater_id: str) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.session_state["signed_in_rater"] = Rater(rater_id, rater_id.title(), ROLES[rater_id], False, datetime(2026, 1, 1))
    return at.run()


def test_an_admin_sees_raters_query_sets_and_the_pool_form(workspace):
    at = page_as("ada")
    assert not at.exception and not at.error
    assert at.title[0].value == "Admin"
    raters = at.dataframe[0].value
    assert list(raters["id"]) == ["ada", "ann", "ria"]
    sets = at.dataframe[1].value
    assert sets.set_index("name").loc["qs", "queries"] == 2
    assert at.multiselect(key="admin_pool_configs").options == ["cfg_alpha", "cfg_beta"]
    # no relevance model in this workspace: pre-ranking is offered but disabled, with the command that enables it
    prerank = at.checkbox(key="admin_pool_prerank")
    assert prerank.disabled and "workbench train relevance" in prerank.help


@pytest.mark.parametrize("rater_id", ["ann", "ria"])
def test_raters_and_researchers_cannot_render_admin(workspace, rater_id):
    at = page_as(rater_id)
    assert not at.exception
    assert "Not allowed" in at.error[0].value and "admin role" in at.error[0].value
    assert not at.button and not at.text_input and not at.dataframe and not at.title  # nothing past the guard


def test_an_admin_adds_a_rater_who_can_then_sign_in(workspace):
    at = page_as("ada")
    at.text_input(key="admin_rater_id").input("bob")
    at.text_input(key="admin_rater_name").input("Bob")
    at.selectbox(key="admin_rater_role").select("researcher")
    at.text_input(key="admin_rater_secret").input("bob-secret-1")
    at.button(key="admin_rater_submit").click().run()
    assert not at.exception and not at.error
    assert "Added bob (researcher)" in at.success[0].value
    store = store_of(workspace)
    assert store.rater("bob").role == "researcher" and store.check_credentials("bob", "bob-secret-1")


def test_a_short_secret_is_refused_with_the_rule(workspace):
    at = page_as("ada")
    at.text_input(key="admin_rater_id").input("bob")
    at.text_input(key="admin_rater_name").input("Bob")
    at.text_input(key="admin_rater_secret").input("short")
    at.button(key="admin_rater_submit").click().run()
    assert "at least 8 characters" in at.error[0].value
    assert "bob" not in [r.rater_id for r in store_of(workspace).raters()]


def test_an_admin_builds_a_task_pool_and_sees_its_report(workspace):
    at = page_as("ada")
    at.multiselect(key="admin_pool_configs").set_value(["cfg_alpha"])
    at.number_input(key="admin_pool_k").set_value(2)
    at.selectbox(key="admin_pool_mode").select("graded")
    at.button(key="admin_pool_submit").click().run()
    assert not at.exception and not at.error
    report = json.loads(at.json[0].value)
    assert (report["config_names"], report["k"], report["mode"]) == (["cfg_alpha"], 2, "graded")
    # the top 2 of cfg_alpha over two queries: all already pooled at k=3 by the two seeded pools
    assert at.success[0].value == "Pool 3: 4 tasks (0 new) and 0 gold over 2 queries."


def test_a_bad_pool_request_shows_the_stores_message(workspace):
    at = page_as("ada")
    at.multiselect(key="admin_pool_configs").set_value([])
    at.button(key="admin_pool_submit").click().run()
    assert not at.exception
    assert "config_names must be a non-empty list" in at.error[0].value


def test_query_files_parse_into_records_of_the_chosen_set():
    text = '{"query_id": "a", "query_type": "text", "text": "red dress"}\n\n' \
           '{"query_id": "b", "query_type": "pivot", "text": "in black", "image_item_id": "p1", "crop": [0, 0, 5, 5],' \
           ' "target_attributes": {"color": "black"}, "query_set": "s"}\n'
    a, b = parse_query_jsonl(text, "s")
    assert (a.query_id, a.query_set, a.text, a.crop) == ("a", "s", "red dress", None)
    assert (b.image_item_id, b.crop, b.target_attributes) == ("p1", (0, 0, 5, 5), {"color": "black"})


@pytest.mark.parametrize("text, message", [
    ("not json", "line 1: not JSON"),
    ('{"query_id": "a", "query_type": "text"}\n[1]', "line 2: expected a JSON object"),
    ('{"query_id": "a", "query_type": "text", "colour": "red"}', "unknown field(s) colour"),
    ('{"query_type": "text"}', "missing query_id"),
    ('{"query_id": "a", "query_type": "text", "query_set": "other"}', "differs from the chosen set 's'"),
    ("\n\n", "holds no queries"),
])
def test_bad_query_files_name_the_line_and_the_fix(text, message):
    with pytest.raises(QueryFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_query_jsonl(text, "s")


# ---- managing raters -------------------------------------------------------------------------------------

def test_a_refused_rater_keeps_the_form_filled_and_names_no_api_argument(workspace):
    at = page_as("ada")
    at.text_input(key="admin_rater_id").input("ann")  # taken
    at.text_input(key="admin_rater_name").input("Another Ann")
    at.text_input(key="admin_rater_secret").input("ann-secret-2")
    at.button(key="admin_rater_submit").click().run()
    assert not at.exception
    assert "rater id 'ann' already exists" in at.error[0].value and "exist_ok" not in at.error[0].value
    assert (at.text_input(key="admin_rater_id").value, at.text_input(key="admin_rater_name").value) == ("ann", "Another Ann")


def test_an_added_rater_clears_the_form_and_shows_in_the_table(workspace):
    at = page_as("ada")
    at.text_input(key="admin_rater_id").input("bob")
    at.text_input(key="admin_rater_name").input("Bob")
    at.text_input(key="admin_rater_secret").input("bob-secret-1")
    at.button(key="admin_rater_submit").click().run()
    assert "bob" in list(at.dataframe[0].value["id"])  # the table is drawn after the write
    assert [at.text_input(key=k).value for k in ("admin_rater_id", "admin_rater_name", "admin_rater_secret")] == [""] * 3


def test_an_admin_changes_a_role(workspace):
    at = page_as("ada")
    at.selectbox(key="admin_role_rater").select("ann")
    at.selectbox(key="admin_role_new").select("researcher")
    at.button(key="admin_role_submit").click().run()
    assert not at.exception and not at.error
    assert "ann is now researcher" in at.success[0].value
    assert store_of(workspace).rater("ann").role == "researcher"
    assert at.dataframe[0].value.set_index("id").loc["ann", "role"] == "researcher"


def test_an_admin_cannot_demote_themselves(workspace):
    at = page_as("ada")
    at.selectbox(key="admin_role_rater").select("ada")
    at.selectbox(key="admin_role_new").select("rater")
    at.button(key="admin_role_submit").click().run()
    assert "another admin must change your own role" in at.error[0].value
    assert store_of(workspace).rater("ada").role == "admin"


def test_an_admin_resets_a_secret(workspace):
    at = page_as("ada")
    at.selectbox(key="admin_reset_rater").select("ann")
    at.text_input(key="admin_reset_secret").input("short")
    at.button(key="admin_reset_submit").click().run()
    assert "at least 8 characters" in at.error[0].value
    at.text_input(key="admin_reset_secret").input("ann-new-secret")
    at.button(key="admin_reset_submit").click().run()
    assert not at.error and "ann has a new secret" in at.success[0].value
    assert at.text_input(key="admin_reset_secret").value == ""
    store = store_of(workspace)
    assert store.check_credentials("ann", "ann-new-secret") and not store.check_credentials("ann", SECRETS["ann"])


def test_an_admin_removes_a_rater_who_then_gets_no_task(workspace):
    from labels import RaterRemovedError

    at = page_as("ada")
    at.selectbox(key="admin_remove_rater").select("ann")
    at.button(key="admin_remove_submit").click().run()
    assert "tick the box" in at.error[0].value and "ann" not in store_of(workspace).removed_raters()
    at.checkbox(key="admin_remove_confirm").check()
    at.button(key="admin_remove_submit").click().run()
    assert not at.error and "Removed ann" in at.success[0].value
    assert at.dataframe[0].value.set_index("id").loc["ann", "removed"]
    assert "ann" not in at.selectbox(key="admin_remove_rater").options  # nothing more to do with a removed rater
    store = store_of(workspace)
    assert not store.check_credentials("ann", SECRETS["ann"])
    with pytest.raises(RaterRemovedError):
        store.assign_next("ann")


def test_an_admin_cannot_remove_themselves(workspace):
    at = page_as("ada")
    at.selectbox(key="admin_remove_rater").select("ada")
    at.checkbox(key="admin_remove_confirm").check()
    at.button(key="admin_remove_submit").click().run()
    assert "another admin must remove your account" in at.error[0].value
    assert store_of(workspace).removed_raters() == set()


# ---- pools and their progress, the query-set template ------------------------------------------------------

def pools_table(at: AppTest):
    return next(d.value for d in at.dataframe if "tasks judged" in d.value.columns).set_index("pool")


def test_pools_are_listed_with_their_progress(workspace):
    store = store_of(workspace)
    task = store.assign_next("ann", mode="graded")
    store.record_judgment(task.task_id, "ann", 3, seconds_spent=2.0)
    table = pools_table(page_as("ada"))
    # the seed: q1 pools items 1-4 and q2 items 5-7 and 9-11 of the two configs at k=3, overlap 1, in either mode
    assert list(table["mode"]) == ["Graded (0–4)", "Precision@10 (relevant or not)"]
    assert table.loc[1, ["tasks judged", "tasks", "judgments", "wanted"]].tolist() == [1, 10, 1, 10]
    assert table.loc[2, ["tasks judged", "tasks", "judgments", "wanted"]].tolist() == [0, 10, 0, 10]
    assert table.loc[1, "progress"] == pytest.approx(1 / 10)


def test_a_new_pool_appears_in_the_list_at_once(workspace):
    at = page_as("ada")
    at.multiselect(key="admin_pool_configs").set_value(["cfg_beta"])
    at.number_input(key="admin_pool_overlap").set_value(2)
    at.button(key="admin_pool_submit").click().run()
    assert not at.error
    assert pools_table(at).loc[3, ["configs", "tasks", "wanted"]].tolist() == ["cfg_beta", 2 * 4, 2 * 4 * 2]  # 4 results a query, k=10


def test_a_pool_kept_to_a_rater_is_served_only_to_them_and_listed_so(workspace):
    assert store_of(workspace).rater_progress("ria", mode="graded").open > 0  # before: ria is offered pool 1
    at = page_as("ada")
    at.selectbox(key="admin_keep_pool").select(1)
    at.multiselect(key="admin_keep_raters").set_value(["ann"])
    at.button(key="admin_keep_submit").click().run()
    assert not at.error and "offered only to ann" in at.success[0].value
    assert pools_table(at).loc[[1, 2], "raters"].tolist() == ["ann", "everyone"]
    store = store_of(workspace)
    assert store.assign_next("ria", mode="graded") is None  # pool 1 is the only graded pool; ria labels too
    assert store.assign_next("ann", mode="graded") is not None


def test_the_query_set_template_is_offered_and_uploads_back_as_its_queries(workspace):
    at = page_as("ada")
    download = at.get("download_button")
    assert len(download) == 1 and "template" in download[0].proto.label
    text = query_template("p1")
    lines = [json.loads(line) for line in text.splitlines()]
    assert all(set(line) == {"query_id", "text", "item", "crop", "mode"} for line in lines)
    expected = [replace(r, query_set="mine") for r in template_records("p1")]
    uploaded = [replace(r, text=r.text or None) for r in parse_query_jsonl(text, "mine")]  # export writes no text as ""
    assert uploaded == expected
    assert {r.query_type for r in expected} == set(QUERY_TYPES)


# ---- runs from the app: query set -> runs -> pool -> a rater's task ------------------------------------------

@pytest.fixture
def indexed_workspace(tmp_path, monkeypatch, search_context):
    """A private copy of the indexed sample, seeded like `workspace`, searched with the session's loaded models."""
    import shutil

    from engine.pipeline.context import SearchContext
    from engine.workspace import Workspace
    from labels import open_store
    from workbench import search_state

    from .labeling_workspace import seed

    ws = Workspace(tmp_path / "ws")
    shutil.copytree(search_context.workspace.root, ws.root, ignore=shutil.ignore_patterns("judgments.duckdb*"))
    with open_store(ws.judgments_path) as store:
        seed(ws, store)
    search_state.preload(SearchContext.open(ws, search_context.clip, search_context.text_encoder))
    monkeypatch.setenv("WORKBENCH_HOME", str(ws.root))
    monkeypatch.setenv("WORKBENCH_AUTH", "password")
    return ws


def test_an_admin_runs_a_config_with_progress_then_pools_it_for_raters(indexed_workspace):
    at = page_as("ada")
    assert "baseline" in at.multiselect(key="admin_runs_configs").options
    at.selectbox(key="admin_runs_set").select("qs")
    at.multiselect(key="admin_runs_configs").set_value(["baseline"])
    at.number_input(key="admin_runs_k").set_value(3)
    at.button(key="admin_runs_submit").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value.startswith("recorded 2 runs")  # two queries, one config
    bar = at.get("progress")[0].proto
    assert (bar.value, bar.text) == (100, "2 of 2 searches")
    store = store_of(indexed_workspace)
    runs = store.run_results_frame(["baseline"], "qs")
    assert sorted(runs.query_id.unique()) == ["q1", "q2"] and set(runs["rank"]) == {1, 2, 3}

    # the run is offered to the pool form at once, and the pool is what the rater is served
    assert "baseline" in at.multiselect(key="admin_pool_configs").options
    at.multiselect(key="admin_pool_configs").set_value(["baseline"])
    at.number_input(key="admin_pool_k").set_value(3)
    at.number_input(key="admin_pool_overlap").set_value(1)
    at.button(key="admin_pool_submit").click().run()
    pooled = set(zip(runs.query_id, runs.item_id, strict=True))
    assert not at.error and pools_table(at).loc[3, ["configs", "tasks"]].tolist() == ["baseline", len(pooled)]
    served = set()
    while (task := store.assign_next("ann", mode="graded")) is not None:
        served.add((task.query_id, task.item_id))
        store.skip_task(task.task_id, "ann")  # else her own open task is served again first
    assert pooled <= served


def test_a_run_without_configs_is_refused_with_the_fix(indexed_workspace):
    at = page_as("ada")
    at.multiselect(key="admin_runs_configs").set_value([])
    at.button(key="admin_runs_submit").click().run()
    assert not at.exception and "choose at least one config" in at.error[0].value
