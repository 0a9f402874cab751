"""Explore and Compare show an http config's results beside a built-in config's, the breakdown as n/a
(a real local search service answering from the indexed sample's LanceDB table)."""

from __future__ import annotations

import pytest

from tests.app.test_dashboard import page
from tests.app.test_explore import explore_workspace, product_id  # noqa: F401  (a fixture)
from tests.external.conftest import write_config
from tests.external.search_server import SearchServer, items_of_table, rank_items
from workbench.ui_results import NO_BREAKDOWN_NOTE, score_key


def open_scores(at, grids: dict) -> None:
    """Open every Score expander of the given grids ({grid key: its results}; a Score is drawn only while open)."""
    for key, results in grids.items():
        for result in results:
            at.session_state[score_key(key, result.rank)] = True
    at.run()


@pytest.fixture(scope="module")
def prod(explore_workspace):
    server = SearchServer(items_of_table(explore_workspace)).start()
    (explore_workspace.root / "configs").mkdir(exist_ok=True)
    write_config(explore_workspace, "prod", f'kind = "http"\n[http]\n'
                 f'url = "{server.base}/search?q={{text}}&k={{k}}&item={{item}}"\nresults = "hits"\nid = "id"\n'
                 'score = "score"\n')
    yield server
    server.stop()


def test_compare_shows_an_http_config_beside_a_built_in_one(monkeypatch, explore_workspace, prod):
    at = page("compare.py", monkeypatch, explore_workspace.root).run()
    assert "prod" in at.selectbox(key="compare_cfg_b").options
    at.text_input(key="compare_q_text").input("red dress").run()
    at.selectbox(key="compare_cfg_a").select("baseline").run()
    at.selectbox(key="compare_cfg_b").select("prod").run()
    at.button(key="compare_run").click().run()
    assert not at.exception and not at.error
    left, right = at.session_state["compare_pair"]
    assert left.config.name == "baseline" and right.config.name == "prod"
    assert [r.item_id for r in right.results] == [i for i, _ in rank_items(prod.items, "red dress", 10)]
    open_scores(at, {"compare_grid_a": left.results, "compare_grid_b": right.results})
    assert not at.exception and at.session_state["compare_pair"][1] is right  # no new search
    shown = [m.value for m in at.markdown]
    assert sum(v.startswith(NO_BREAKDOWN_NOTE) for v in shown) == len(right.results)
    assert any(v.startswith("w1 × image_sim") for v in shown)  # the built-in side keeps its breakdown
    assert {"overlap@10", "shared items"} <= {m.label for m in at.metric}


def test_explore_searches_an_http_config(monkeypatch, explore_workspace, prod):
    at = page("explore.py", monkeypatch, explore_workspace.root).run()
    at.text_input(key="explore_item").input(product_id(explore_workspace)).run()
    at.text_input(key="explore_text").input("in red").run()
    at.selectbox(key="explore_config").select("prod").run()
    assert not at.warning or all("train" not in w.value for w in at.warning)
    at.button(key="explore_search").click().run()
    assert not at.exception and not at.error
    response = at.session_state["explore_response"]
    assert response.config.name == "prod" and response.results
    assert prod.requests[-1]["args"]["item"] == product_id(explore_workspace)
    open_scores(at, {"explore_results": response.results})
    assert not at.exception
    assert sum(m.value.startswith(NO_BREAKDOWN_NOTE) for m in at.markdown) == len(response.results)


def test_an_imported_run_takes_part_in_blind_preferences_and_the_one_query_tab(monkeypatch, explore_workspace, prod,
                                                                                tmp_path):
    from labels import QueryRecord
    from workbench import state
    from workbench.run_import import import_run

    store = state._store(str(explore_workspace.judgments_path))
    reference = product_id(explore_workspace)
    store.add_query_set("ext", "one query", exist_ok=True)
    store.add_queries([QueryRecord("ext-1", "ext", "pivot", "in red", reference)])
    ranked = [i for i, _ in rank_items(prod.items, "red", 12, exclude=reference)]
    run_file = tmp_path / "prod.run"
    run_file.write_text("".join(f"ext:ext-1 Q0 {item} {n} {20 - n} prod\n" for n, item in enumerate(ranked, 1)))
    import_run(store, run_file, "prod-file", catalog_ids=set(prod.items))
    before = len(store.preferences_frame())

    at = page("compare.py", monkeypatch, explore_workspace.root).run()
    at.selectbox(key="compare_blind_set").select("ext").run()
    at.selectbox(key="compare_blind_a").select("baseline").run()
    at.selectbox(key="compare_blind_b").select("prod-file").run()
    at.button(key="compare_blind_next").click().run()
    assert not at.exception and not at.error
    at.button(key="compare_pref_right").click().run()
    assert not at.exception and "Stored: right" in at.success[0].value
    row = store.preferences_frame().iloc[-1]
    assert len(store.preferences_frame()) == before + 1
    imported = next(c for c in store.configs() if c.name == "prod-file")
    assert imported.config_hash in {row["left_config_hash"], row["right_config_hash"]}

    at.radio(key="compare_q_source").set_value("A stored query").run()
    at.selectbox(key="compare_q_set").select("ext").run()
    at.selectbox(key="compare_cfg_b").select("prod-file").run()
    at.button(key="compare_run").click().run()
    assert not at.exception and not at.error
    assert [r.item_id for r in at.session_state["compare_pair"][1].results] == ranked[:10]
    at.radio(key="compare_q_source").set_value("Item and text").run()
    at.text_input(key="compare_q_text").input("red dress").run()
    at.button(key="compare_run").click().run()
    assert "is an imported run: it has rankings of stored queries only" in at.error[0].value
