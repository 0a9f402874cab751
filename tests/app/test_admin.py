"""The Admin page: raters, query sets and task pools for admins only; its writes go through the store."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from labels import Rater
from workbench.query_upload import QueryFileError, parse_query_jsonl

from .labeling_workspace import ROLES, store_of

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
