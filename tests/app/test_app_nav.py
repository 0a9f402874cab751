"""The app's menu: each role sees only the pages it may open, and lands on its own first page."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from labels import Rater
from workbench.access import allowed_pages
from workbench.pages import PAGES

from .labeling_workspace import ROLES

APP = Path(__file__).parents[2] / "workbench" / "app.py"
RESEARCH = ["Explore", "Compare", "Collections", "Dashboard", "Catalog"]


def rater(rater_id: str) -> Rater:
    return Rater(rater_id, rater_id.title(), ROLES[rater_id], False, datetime(2026, 1, 1))


@pytest.mark.parametrize("rater_id, titles", [
    ("ann", ["Label", "Guideline"]),
    ("ria", ["Label", "Guideline", *RESEARCH]),
    ("ada", ["Label", "Guideline", *RESEARCH, "Admin"]),
])
def test_each_role_sees_only_its_pages(rater_id, titles):
    assert [spec.title for spec in allowed_pages(rater(rater_id))] == titles


def test_nobody_signed_in_sees_no_page():
    assert allowed_pages(None) == []


def test_every_page_file_exists():
    missing = [spec.file for spec in PAGES if not spec.path.is_file()]
    assert missing == []


@pytest.fixture
def app_as(workspace):
    def run(rater_id: str) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.session_state["signed_in_rater"] = rater(rater_id)
        return at.run()

    return run


def test_a_rater_lands_on_label_with_who_and_role_in_the_sidebar(app_as):
    at = app_as("ann")
    assert not at.exception
    assert at.title[0].value == "Label"
    assert any("role **rater**" in m.value for m in at.sidebar.markdown)
    assert at.sidebar.button(key="signout").label == "Sign out"
    assert not [w for w in at.warning if "--auth none" in w.value]  # the no-sign-in banner is for --auth none only


@pytest.mark.parametrize("rater_id", ["ria", "ada"])
def test_researchers_and_admins_open_the_guideline_through_the_menu(app_as, rater_id):
    at = app_as(rater_id)
    at.switch_page("app_pages/guideline.py").run()
    assert not at.exception
    assert at.title[0].value == "Guideline"
