"""Compare page under AppTest: metric table over a query set, two configs on one query, blind preferences, guard."""

from __future__ import annotations

import pytest

from labels import QueryRecord
from tests.app.test_dashboard import frame_with, page, person, populate
from tests.app.test_explore import explore_workspace, product_id  # noqa: F401  (a fixture)


@pytest.fixture
def populated(tmp_path):
    populate(tmp_path / "judgments.duckdb")
    return tmp_path


@pytest.mark.parametrize("role", ["researcher", "admin"])
def test_the_query_set_tab_shows_the_metric_table(monkeypatch, populated, role):
    at = page("compare.py", monkeypatch, populated, person(role)).run()
    assert not at.exception
    assert at.selectbox(key="compare_set_a").value == "baseline"
    assert at.selectbox(key="compare_set_b").value == "full"
    table = frame_with(at, "p-value").set_index(["group", "measure"])
    row = table.loc[("all", "P@10")]
    assert row["baseline"] == pytest.approx(1 / 10) and row["full"] == pytest.approx(5 / 30)
    assert row["delta"] == pytest.approx(5 / 30 - 1 / 10)
    assert row["CI low"] <= row["delta"] <= row["CI high"] and 0 <= row["p-value"] <= 1
    assert row["queries"] == 3
    assert len(at.get("plotly_chart")) == 2


def test_the_same_config_twice_is_refused_with_a_warning(monkeypatch, populated):
    at = page("compare.py", monkeypatch, populated).run()
    at.selectbox(key="compare_set_b").select("baseline").run()
    assert not at.exception and at.warning[0].value == "Pick two different configs."


def test_a_rater_sees_the_guard_and_nothing_else(monkeypatch, populated):
    at = page("compare.py", monkeypatch, populated, person("rater")).run()
    assert not at.exception and "Not allowed" in at.error[0].value
    assert not at.title and not at.tabs and not at.selectbox and not at.button


def test_two_configs_on_one_query_show_overlap_and_shared_items(monkeypatch, explore_workspace):
    at = page("compare.py", monkeypatch, explore_workspace.root).run()
    at.text_input(key="compare_q_item").input(product_id(explore_workspace)).run()
    at.text_input(key="compare_q_text").input("in black").run()
    at.selectbox(key="compare_cfg_a").select("baseline").run()
    at.selectbox(key="compare_cfg_b").select("baseline").run()  # the same config: total agreement
    at.button(key="compare_run").click().run()
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["overlap@10"] == "1.00" and metrics["rank-biased overlap (p=0.9)"] == "1.000"
    assert metrics["shared items"] == "10"
    at.selectbox(key="compare_cfg_b").select("full_standins").run()
    at.button(key="compare_run").click().run()
    metrics = {m.label: m.value for m in at.metric}
    assert 0 <= float(metrics["rank-biased overlap (p=0.9)"]) <= 1
    shared = int(metrics["shared items"])
    assert sum("shared" in m.value for m in at.markdown) == 2 * shared  # highlighted in both grids


def test_a_blind_preference_is_stored_with_both_config_hashes(monkeypatch, explore_workspace):
    from workbench import search_state, state

    store = state._store(str(explore_workspace.judgments_path))
    store.add_query_set("blind", "one query", exist_ok=True)
    store.add_queries([QueryRecord("blind-1", "blind", "pivot", "in red", product_id(explore_workspace))])
    before = len(store.preferences_frame())
    at = page("compare.py", monkeypatch, explore_workspace.root).run()
    at.selectbox(key="compare_blind_set").select("blind").run()
    at.button(key="compare_blind_next").click().run()
    assert not at.exception and not at.error
    assert "baseline" not in " ".join(s.value for s in at.subheader)  # sides are unlabeled
    at.button(key="compare_pref_left").click().run()
    assert not at.exception and "Stored: left" in at.success[0].value
    preferences = store.preferences_frame()
    assert len(preferences) == before + 1
    row = preferences.iloc[-1]
    hashes = {search_state.config(n, explore_workspace).content_hash() for n in ("baseline", "full_standins")}
    assert {row["left_config_hash"], row["right_config_hash"]} == hashes
    assert row["preferred_config_hash"] == row["left_config_hash"] and row["query_id"] == "blind-1"
