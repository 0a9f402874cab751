"""Compare page under AppTest: metric table over a query set, two configs on one query, blind preferences, guard."""

from __future__ import annotations

import json

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
    titles = [d.value for d in at.dataframe if "title" in d.value.columns]
    assert len(titles) == 2 and titles[0]["shared"].all() and len(titles[0]) == 10
    assert titles[0]["title"].str.len().gt(0).sum() >= 5  # the catalog's own titles (the sample leaves a few blank)
    assert any("untimed warm-up query" in c.value for c in at.caption)
    captions = [c for image in at.get("image") for c in image.captions]
    assert f"reference {product_id(explore_workspace)}" in captions  # the reference image above the two lists
    at.selectbox(key="compare_cfg_b").select("full_standins").run()
    assert not at.metric and not [d for d in at.dataframe if "title" in d.value.columns]  # stale results cleared
    assert any("press Compare for results of these inputs" in c.value for c in at.caption)
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


def test_the_app_and_the_cli_give_the_same_numbers_on_the_same_store(monkeypatch, populated, capsys):
    from workbench.cli import main

    assert main(["eval", "report", "--home", str(populated), "--configs", "baseline,full", "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    at = page("compare.py", monkeypatch, populated).run()
    assert not at.exception
    table = frame_with(at, "p-value").set_index(["group", "measure"])
    assert len(table) == len(cli["comparisons"]) == 4 * 7  # the 28 comparisons of the issue: 7 measures x 4 groups
    for row in cli["comparisons"]:
        shown = table.loc[(row["group"], row["measure"])]
        assert (shown["delta"], shown["CI low"], shown["CI high"], shown["p-value"], shown["p (Holm)"]) == (
            row["mean_delta"], row["ci_low"], row["ci_high"], row["p_value"], row["p_adjusted"])
        assert bool(shown["significant (Holm)"]) == row["significant"]
    # The numbers change with the resamples (2,000 gave P@10 p 0.5107, 10,000 give 0.5036): same count, same seed.
    assert cli["method"]["resamples"] == 10_000 and cli["method"]["seed"] == 0
    method = " ".join(c.value for c in at.caption)
    assert "95% percentile bootstrap" in method and "10,000 resamples of the queries, seed 0" in method
    assert "randomization test" in method and "10,000 permutations" in method
    assert "Holm–Bonferroni over the table's 28 comparisons" in method
    assert "mean grade >= 3" in method and "P@10" in method


def test_the_relevance_level_reaches_the_table_and_its_note(monkeypatch, populated):
    at = page("compare.py", monkeypatch, populated).run()
    at.number_input(key="compare_level").set_value(1).run()
    assert not at.exception
    row = frame_with(at, "p-value").set_index(["group", "measure"]).loc[("all", "P@10")]
    # Every good item's mean grade is (3 + 3 + 4) / 3 and every other item's 1/3: level 1 keeps the same items.
    assert row["baseline"] == pytest.approx(1 / 10)
    assert any("mean grade >= 1" in c.value for c in at.caption)


def test_binary_labels_without_binary_judgments_say_so(monkeypatch, populated):
    at = page("compare.py", monkeypatch, populated).run()
    at.selectbox(key="compare_mode").select("binary").run()
    assert not at.exception and not [d for d in at.dataframe if "p-value" in d.value.columns]
    assert "label some results first" in at.info[0].value
