"""The Admin page's Vocabulary tab: values with counts, an edit applied through engine.vocabulary.edit."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine.vocabulary import (AttributeFamily, AttributeValue, Vocabulary, load_workspace_vocabulary,
                               save_workspace_vocabulary)

PAGE = Path(__file__).parents[2] / "workbench" / "app_pages" / "admin.py"


@pytest.fixture
def home(tmp_path, monkeypatch):
    vocab = Vocabulary((AttributeFamily("color", (AttributeValue("sage", ("sage green",)), AttributeValue("green"),
                                                  AttributeValue("teal"))),
                        AttributeFamily("room", (AttributeValue("kitchen"), AttributeValue("bedroom")))))
    save_workspace_vocabulary(tmp_path, vocab)
    monkeypatch.setenv("WORKBENCH_HOME", str(tmp_path))
    monkeypatch.setenv("WORKBENCH_AUTH", "none")  # the local admin
    return tmp_path


def test_the_vocabulary_tab_lists_values_and_merges_one(home):
    at = AppTest.from_file(str(PAGE), default_timeout=60).run()
    assert not at.exception and not at.error
    assert at.selectbox(key="admin_vocab_family").options == ["color", "room"]
    values = at.dataframe[2].value  # after the raters and query sets tables
    assert list(values["value"]) == ["sage", "green", "teal"] and values.iloc[0]["surface forms"] == "sage green"
    at.selectbox(key="admin_vocab_action").set_value("merge")
    at.selectbox(key="admin_vocab_value").set_value("sage")
    at.text_input(key="admin_vocab_other").input("green")
    at.button(key="admin_vocab_submit").click().run()
    assert not at.exception and not at.error
    assert "vocabulary hash is now" in at.success[0].value
    assert any("workbench attributes tag" in m.value for m in at.markdown)
    assert load_workspace_vocabulary(home).canonical("color", "sage green") == "green"


def test_a_bad_edit_shows_the_vocabularys_message(home):
    at = AppTest.from_file(str(PAGE), default_timeout=60).run()
    at.selectbox(key="admin_vocab_family").set_value("room").run()
    at.selectbox(key="admin_vocab_action").set_value("drop")
    at.selectbox(key="admin_vocab_value").set_value("kitchen")
    at.button(key="admin_vocab_submit").click().run()
    assert "left with one value" in at.error[0].value
