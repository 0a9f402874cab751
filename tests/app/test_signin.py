"""Signing in to the app (workbench/app.py under --auth password): the store decides, failures reveal nothing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench.access import SIGN_IN_FAILED
from workbench.session_token import issue_token, read_token
from workbench.sessions import read_or_create_secret

from .labeling_workspace import SECRETS, store_of

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


# -- staying signed in: the session token in the URL ------------------------------------------------------------


def reload(at: AppTest) -> AppTest:
    """A new browser session on the same URL (a reload, or a new tab with the link): only the query params carry over."""
    again = AppTest.from_file(str(APP), default_timeout=60)
    again.query_params = dict(at.query_params)
    return again.run()


def shown_task(at: AppTest):
    return at.session_state["label_session_graded"].current


def test_a_reload_keeps_the_rater_signed_in_on_the_same_open_task(workspace):
    at = sign_in("ann", SECRETS["ann"])
    first = shown_task(at)
    token = at.query_params["session"]
    assert first is not None and SECRETS["ann"] not in token
    again = reload(at)
    assert not again.exception and not again.error
    assert again.session_state["signed_in_rater"].rater_id == "ann" and again.title[0].value == "Label"
    assert shown_task(again) == first  # the claimed task is served again, not orphaned
    assert store_of(workspace).count_rows("assignments") == 1
    again.button(key="label_2").click().run()
    third = reload(again)  # the next task, after the label
    assert shown_task(third) == shown_task(again) != first and third.query_params["session"] == token


def test_signing_out_ends_the_session_link_everywhere(workspace):
    at = sign_in("ann", SECRETS["ann"])
    other_tab = reload(at)
    at.sidebar.button(key="signout").click().run()
    assert "session" not in at.query_params
    for ended in (reload(other_tab), other_tab.run()):  # the link, and the tab that was open
        assert "signed_in_rater" not in ended.session_state
        assert any("your session was ended" in i.value for i in ended.info)
        assert "session" not in ended.query_params


@pytest.mark.parametrize("change, message", [
    (lambda store: store.reset_rater_secret("ann", "ann-secret-2"), "your session was ended"),
    (lambda store: store.remove_rater("ann"), "can no longer sign in"),
])
def test_a_secret_reset_or_a_removal_signs_the_rater_out(workspace, change, message):
    at = sign_in("ann", SECRETS["ann"])
    change(store_of(workspace))
    for ended in (reload(at), at.run()):
        assert not ended.exception and "signed_in_rater" not in ended.session_state
        assert any(message in i.value for i in ended.info)


def test_an_expired_or_tampered_link_signs_nobody_in(workspace):
    secret = read_or_create_secret(workspace.root)
    expired = issue_token(secret, "ann", epoch=0, expires_at=int(time.time()) - 1)
    forged = issue_token(secret, "ann", epoch=0, expires_at=int(time.time()) + 60)[:-3] + "AAA"
    for token, message in ((expired, "your session expired"), (forged, "the session link was altered or comes from another server")):
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.query_params = {"session": token}
        at.run()
        assert not at.exception and "signed_in_rater" not in at.session_state
        assert [i.value for i in at.info] == [f"Signed out: {message}; sign in again."]
        assert "session" not in at.query_params and at.text_input(key="signin_rater") is not None


def test_a_role_change_applies_on_the_next_page_load(workspace):
    at = sign_in("ria", SECRETS["ria"])
    assert "role **researcher**" in at.sidebar.markdown[0].value
    store_of(workspace).set_rater_role("ria", "rater")
    at.run()
    assert "role **rater**" in at.sidebar.markdown[0].value and at.title[0].value == "Label"
    assert reload(at).session_state["signed_in_rater"].role == "rater"


def test_a_session_lasts_the_configured_hours(workspace, monkeypatch):
    monkeypatch.setenv("WORKBENCH_SESSION_HOURS", "2")
    before = time.time()
    token = sign_in("ann", SECRETS["ann"]).query_params["session"]
    expires = read_token(read_or_create_secret(workspace.root), token, now=before).expires_at
    assert before + 2 * 3600 - 1 <= expires <= time.time() + 2 * 3600
    monkeypatch.setenv("WORKBENCH_SESSION_HOURS", "forever")
    assert sign_in("ann", SECRETS["ann"]).exception  # refused with the variable's name, not silently ignored
