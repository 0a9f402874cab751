"""Signing in to the app (workbench/app.py under --auth password): the store decides, failures reveal nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench.access import SIGN_IN_FAILED

from .labeling_workspace import SECRETS

APP = Path(__file__).parents[2] / "workbench" / "app.py"


def sign_in(rater_id: str, secret: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.text_input(key="signin_rater").input(rater_id)
    at.text_input(key="signin_secret").input(secret)
    return at.button(key="signin_submit").click().run()


def test_nobody_sees_a_page_before_signing_in(workspace):
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert at.text_input(key="signin_secret").proto.type == at.text_input(key="signin_secret").proto.PASSWORD
    assert [t.value for t in at.title] == ["Relevance workbench"]
    assert "signed_in_rater" not in at.session_state


def test_a_rater_signs_in_lands_on_label_and_signs_out(workspace):
    at = sign_in("ann", SECRETS["ann"])
    assert not at.exception and not at.error
    assert at.session_state["signed_in_rater"].rater_id == "ann"
    assert at.title[0].value == "Label"
    assert "Signed in as **Ann** (`ann`) · role **rater**" in [m.value for m in at.sidebar.markdown]
    at.sidebar.button(key="signout").click().run()
    assert "signed_in_rater" not in at.session_state
    assert at.text_input(key="signin_rater") is not None


@pytest.mark.parametrize("rater_id, secret", [("ann", "wrong-secret"), ("nobody", "ann-secret-1"), ("ann", ""),
                                              ("ada", SECRETS["ann"])])
def test_a_failed_sign_in_says_so_without_telling_whether_the_id_exists(workspace, rater_id, secret):
    at = sign_in(rater_id, secret)
    assert not at.exception
    assert [e.value for e in at.error] == [SIGN_IN_FAILED]
    assert "signed_in_rater" not in at.session_state


def test_under_auth_none_every_page_carries_the_banner(workspace, monkeypatch):
    monkeypatch.setenv("WORKBENCH_AUTH", "none")
    at = AppTest.from_file(str(APP), default_timeout=60).run()  # opens on Explore (another page's test covers it)
    at.switch_page("app_pages/guideline.py").run()
    assert not at.exception
    assert at.title[0].value == "Guideline"
    assert "No sign-in (--auth none): for one person on localhost" in [w.value for w in at.warning]
    assert not [t for t in at.text_input if t.key == "signin_rater"]  # no sign-in form
