"""The Guideline page shows the stored guideline of both rating modes to every role, and nothing to nobody."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from labels import Rater

PAGE = Path(__file__).parents[2] / "workbench" / "app_pages" / "guideline.py"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_HOME", str(tmp_path / "ws"))  # a fresh store holds the guidelines (migration)
    monkeypatch.setenv("WORKBENCH_AUTH", "password")
    return tmp_path / "ws"


@pytest.mark.parametrize("role", ["rater", "researcher", "admin"])
def test_both_guidelines_render_for_every_role(home, role):
    from tests.app.test_dashboard import seat

    at = AppTest.from_file(str(PAGE), default_timeout=60)
    seat(home, Rater("x", "X", role, False, datetime(2026, 1, 1)))
    at.session_state["signed_in_rater"] = Rater("x", "X", role, False, datetime(2026, 1, 1))
    at.run()
    assert not at.exception and not at.error
    text = "\n".join(m.value for m in at.markdown)
    assert "# Graded relevance guideline (0–4)" in text
    assert "# Precision@10 guideline (binary: 1 = match, 0 = no match)" in text
    assert [t.label for t in at.tabs] == ["Graded (0–4)", "Precision@10 (relevant or not)"]


def test_nobody_signed_in_is_refused(home):
    at = AppTest.from_file(str(PAGE), default_timeout=60).run()
    assert not at.exception
    assert "Not allowed" in at.error[0].value and not at.markdown
