"""The Streamlit app under streamlit.testing: the catalog page lists and filters the ingested items (researchers up)."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).parents[1] / "workbench" / "app.py"
CATALOG_PAGE = Path(__file__).parents[1] / "workbench" / "app_pages" / "catalog.py"


@pytest.fixture
def home(monkeypatch, ingested_workspace):
    monkeypatch.setenv("WORKBENCH_HOME", str(ingested_workspace.root))
    return ingested_workspace


def test_the_app_menu_opens_the_catalog(home):
    at = AppTest.from_file(str(APP), default_timeout=60).run()  # --auth none: the local admin, on Explore
    at.switch_page("app_pages/catalog.py").run()
    assert not at.exception
    assert at.title[0].value == "Catalog"


def test_a_rater_cannot_browse_the_catalog(ingested_workspace, monkeypatch, tmp_path):
    import shutil
    from datetime import datetime

    from labels import Rater

    home = tmp_path / "ws"  # a private copy: the rater is written into its store
    shutil.copytree(ingested_workspace.root, home)
    monkeypatch.setenv("WORKBENCH_HOME", str(home))

    monkeypatch.setenv("WORKBENCH_AUTH", "password")
    from tests.app.test_dashboard import seat

    at = AppTest.from_file(str(CATALOG_PAGE), default_timeout=60)
    seat(home, Rater("ann", "Ann", "rater", False, datetime(2026, 1, 1)))
    at.session_state["signed_in_rater"] = Rater("ann", "Ann", "rater", False, datetime(2026, 1, 1))
    at.run()
    assert not at.exception
    assert "researcher role" in at.error[0].value and not at.title


def test_catalog_lists_items_with_a_count(home):
    from tests.conftest import SAMPLE_N

    at = AppTest.from_file(str(CATALOG_PAGE), default_timeout=60).run()
    assert not at.exception
    assert f"{SAMPLE_N} items" in at.caption[0].value
    shown = [c.value for c in at.caption[1:]]
    assert len(shown) == 24 and shown[0].startswith("`p000000`")


def test_catalog_filters_by_kind_and_text(home):
    at = AppTest.from_file(str(CATALOG_PAGE), default_timeout=60).run()
    at.selectbox(key="catalog_kind").select("scene").run()
    assert not at.exception
    assert all("· scene" in c.value for c in at.caption[1:])
    at.text_input(key="catalog_text").input("no such thing zzz").run()
    assert "0 items" in at.caption[0].value
    assert at.warning[0].value == "No items match these filters."


def test_catalog_without_a_workspace_explains(monkeypatch, tmp_path):
    monkeypatch.setenv("WORKBENCH_HOME", str(tmp_path / "empty"))
    at = AppTest.from_file(str(CATALOG_PAGE), default_timeout=60).run()
    assert not at.exception
    assert "workbench" in at.info[0].value
