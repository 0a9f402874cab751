"""Explore page under AppTest: role guard, a pivot query on the indexed sample with its results, send to a query set."""

from __future__ import annotations

import shutil

import pytest

from engine.workspace import Workspace
from tests.app.test_dashboard import page, person
from engine.query.suggest import suggest_queries

K = 8


@pytest.fixture(scope="session")
def explore_workspace(tmp_path_factory, search_context) -> Workspace:
    """A private copy of the indexed sample (its own judgment store), searched with the session's loaded models."""
    from engine.pipeline.context import SearchContext
    from workbench import search_state

    workspace = Workspace(tmp_path_factory.mktemp("explore") / "ws")
    shutil.copytree(search_context.workspace.root, workspace.root,
                    ignore=shutil.ignore_patterns("judgments.duckdb*"))
    search_state.preload(SearchContext.open(workspace, search_context.clip, search_context.text_encoder))
    return workspace


def product_id(workspace: Workspace) -> str:
    from workbench import search_state

    items = search_state.search_context(workspace).items
    return next(i for i in sorted(items) if items[i]["kind"] == "product")


def test_a_pivot_suggestion_runs_and_shows_results_with_breakdowns(monkeypatch, explore_workspace):
    from workbench.ui_results import score_key, sources_markdown

    at = page("explore.py", monkeypatch, explore_workspace.root).run()
    assert not at.exception and at.title[0].value == "Explore"
    reference = product_id(explore_workspace)
    at.text_input(key="explore_item").input(reference).run()
    assert not at.exception and not at.error
    pivots = [b for b in at.button if b.key.startswith("explore_suggest_") and b.label.startswith(("in ", "as ", "for "))]
    assert pivots, "a product reference gets pivot suggestions"
    pivot = pivots[0].label
    at.number_input(key="explore_k").set_value(K).run()
    pivots[0].click().run()  # a suggestion runs: no Search click
    assert at.text_input(key="explore_text").value == pivot
    assert not at.exception and not at.error
    assert at.session_state["explore_response"].understood.query.text == pivot
    shown = [m.value for m in at.markdown]
    assert any(v.startswith("mode **pivot**") for v in shown)
    ranks = [v for v in shown if v.startswith("**#")]
    assert len(ranks) == K and ranks[0].startswith("**#1**")
    assert reference not in "".join(ranks)  # the reference itself is never a result
    assert any(":blue-background[" in v for v in shown)  # CG badges
    assert len([e for e in at.expander if e.label == "Score"]) == K
    response = at.session_state["explore_response"]
    # a Score's breakdown is drawn only while it is open (the grid is lazy): none yet, then the first one alone
    assert not [m for m in at.markdown if "before reranking" in m.value]
    at.session_state[score_key("explore_results", 1)] = True
    at.run()
    assert not at.exception and len([m for m in at.markdown if "before reranking" in m.value]) == 1
    for r in response.results:  # every Score opened
        at.session_state[score_key("explore_results", r.rank)] = True
    at.run()
    assert not at.exception and at.session_state["explore_response"] is response  # no new search
    scores = [m.value.split("  \n") for m in at.markdown if "before reranking" in m.value]  # one element a Score
    rank_lines = [f"rank {r.rank} after reranking · rank {r.rank_before} before reranking · "
                  f"best CG rank {min(s.rank for s in r.sources)}" for r in response.results]
    for lines, r, rank_line in zip(scores, response.results, rank_lines, strict=True):
        # the score's seven terms, then its ranks, then the CG calls that found it
        assert lines[0].startswith("w1 × image_sim: ") and lines[6].startswith("= score: ")
        assert lines[7:] == [f":gray[{line}]" for line in (rank_line, "Retrieved by:",
                                                            *sources_markdown(r.sources).split("  \n"))]


def test_a_query_sent_to_a_new_query_set_is_stored_once(monkeypatch, explore_workspace):
    from workbench import state

    at = page("explore.py", monkeypatch, explore_workspace.root).run()
    reference = product_id(explore_workspace)
    at.text_input(key="explore_item").input(reference).run()
    at.text_input(key="explore_text").input("in red").run()
    at.button(key="explore_search").click().run()
    at.text_input(key="explore_qs_new").input("from-explore").run()
    at.button(key="explore_send").click().run()
    assert not at.exception and "added to" in at.success[0].value
    at.button(key="explore_send").click().run()
    assert "already in" in at.success[0].value
    [record] = state._store(str(explore_workspace.judgments_path)).queries("from-explore")
    assert (record.query_type, record.text, record.image_item_id) == ("pivot", "in red", reference)
    assert record.target_attributes.get("color") == "red"


def test_the_catalog_browser_draws_its_grid_only_while_open(monkeypatch, explore_workspace):
    at = page("explore.py", monkeypatch, explore_workspace.root).run()
    picks = [b for b in at.button if (b.key or "").startswith("explore_pick_")]
    assert not at.exception and picks  # open while there is no reference: its items and their buttons
    assert len(at.get("image")) == len(picks)  # each item with its image (no reference image yet)
    picked = picks[0].key.removeprefix("explore_pick_")
    picks[0].click().run()
    assert not at.exception and at.text_input(key="explore_item").value == picked
    assert not [b for b in at.button if (b.key or "").startswith("explore_pick_")]  # closed: nothing of it sent
    assert len(at.get("image")) == 1  # the reference alone

def test_an_unknown_item_is_named(monkeypatch, explore_workspace):
    at = page("explore.py", monkeypatch, explore_workspace.root).run()
    at.text_input(key="explore_item").input("no-such-item").run()
    assert not at.exception and "no-such-item" in at.error[0].value


def test_admin_renders_and_a_rater_is_stopped(monkeypatch, explore_workspace):
    at = page("explore.py", monkeypatch, explore_workspace.root, person("admin")).run()
    assert not at.exception and at.title[0].value == "Explore"
    at = page("explore.py", monkeypatch, explore_workspace.root, person("rater")).run()
    assert not at.exception and "Not allowed" in at.error[0].value
    assert not at.title and not at.button and not at.text_input and not at.radio


def test_an_unindexed_workspace_explains(monkeypatch, tmp_path):
    at = page("explore.py", monkeypatch, tmp_path).run()
    assert not at.exception and "workbench index" in at.info[0].value


def test_suggestions_parse_back_as_what_they_offer():
    from engine.query import parse_query_text
    from sample_data.workspace_vocabulary import fashion_vocabulary
    from tests.vocab import fashion_lexicon

    reading = {"category": "dress", "color": "blue", "pattern": "striped"}
    confidence = {"category": 0.9, "color": 0.8, "pattern": 0.2}  # pattern below the read threshold
    suggestions = suggest_queries(reading, confidence, fashion_vocabulary(), per_family=2)
    assert {s.family for s in suggestions} == {"category", "color"}
    assert [s.kind for s in suggestions if s.family == "color"] == ["descriptor", "pivot", "pivot"]
    for s in suggestions:
        parsed = parse_query_text(s.text, fashion_lexicon())
        assert parsed.mode == s.kind
        if s.kind == "pivot":
            [(family, value)] = parsed.targets.items()
            assert family == s.family and value != reading[family]
        else:
            assert parsed.aspect_families == (s.family,)


def test_uploads_are_stored_content_addressed(tmp_path):
    from workbench.search_state import save_upload

    import io

    from PIL import Image

    workspace = Workspace(tmp_path)
    png = io.BytesIO()
    Image.new("RGB", (3, 2), "red").save(png, "PNG")
    png = png.getvalue()
    first = save_upload(workspace, png, "Photo.PNG")
    assert first.parent == tmp_path / "uploads" and first.suffix == ".png" and len(first.stem) == 64
    assert save_upload(workspace, png, "again.png") == first
    assert first.read_bytes() == png
    with pytest.raises(ValueError, match="not an image Pillow can read"):
        save_upload(workspace, b"\x89PNG fake bytes", "fake.png")
    with pytest.raises(ValueError, match="'notes.txt' is not an image"):
        save_upload(workspace, b"text", "notes.txt")
    with pytest.raises(ValueError, match="non-empty image"):
        save_upload(workspace, b"", "empty.jpg")


def test_the_breakdown_and_sources_read_one_term_per_line():
    from types import SimpleNamespace

    from engine.records import ScoreBreakdown, Source
    from workbench.ui_results import breakdown_markdown, sources_markdown

    weights = SimpleNamespace(w1=1.0, w2=0.5, w3=0.0, w4=2.0, w5=0.25)
    breakdown = ScoreBreakdown(image_sim=0.5, text_sim=0.2, engagement=0.1, relevance=0.25, attribute_boost=1.5,
                               cg_boost=1.0)
    result = SimpleNamespace(breakdown=breakdown, score=1.5 * (0.5 + 0.1 + 0.5))
    assert breakdown_markdown(result, weights).split("  \n") == [
        "w1 × image_sim: 1 × 0.5 = **0.5**", "w2 × text_sim: 0.5 × 0.2 = **0.1**", "w3 × engagement: 0 × 0.1 = **0**",
        "w4 × relevance: 2 × 0.25 = **0.5**", "× attribute_boost: 1.5 (w5 0.25)", "× cg_boost: **1**",
        "= score: **1.65**"]
    sources = [Source("text", {}, 3, 0.61234), Source("late_fusion", {"alpha": 0.3}, 1, 0.9),
               Source("text", {"use_enriched": True, "field": "title"}, 2, 0.5)]
    assert sources_markdown(sources) == ("text #3 (0.6123)  \nlate_fusion (alpha 0.3) #1 (0.9)  \n"
                                         "text (use enriched, field title) #2 (0.5)")


def test_chips_tell_the_catalog_from_readings_with_their_confidence():
    from engine.records import Result
    from tests.rerank.fixtures import ZERO
    from workbench.ui_results import catalog_chips, reading_chips

    result = Result(1, "a", 1.0, ZERO, (), {"color": "red"}, attribute_confidence={"color": 0.82, "pattern": 0.31},
                    uncertain_attributes={"pattern": "floral"})
    assert catalog_chips({"color": "red", "pattern": "plaid"}) == "Catalog :green-background[color: red, pattern: plaid]"
    assert reading_chips(result) == "Read :violet-background[color: red · 0.82] :gray-background[pattern: floral? · 0.31]"
    assert catalog_chips({}) == "Catalog *states none*"


def test_results_show_catalog_and_read_chips_and_go_with_a_new_reference(monkeypatch, explore_workspace):
    at = page("explore.py", monkeypatch, explore_workspace.root).run()
    first, second = [i for i in sorted(search_context_items(explore_workspace))][:2]
    at.text_input(key="explore_item").input(first).run()
    at.text_input(key="explore_text").input("in red").run()
    at.number_input(key="explore_k").set_value(K).run()
    at.button(key="explore_search").click().run()
    shown = [m.value for m in at.markdown]
    lines = [v.split("  \n") for v in shown if v.startswith("**#")]  # one Markdown element a result
    assert len([line for line in lines if line[1].startswith("Catalog ")]) == K
    assert len([line for line in lines if line[2].startswith("Read ")]) == K
    assert not at.info  # the inputs are those searched
    at.text_input(key="explore_text").input("in blue").run()
    assert "press Search" in at.info[0].value  # changed text: the results are marked as the old query's
    at.text_input(key="explore_item").input(second).run()
    assert "explore_response" not in at.session_state  # a new reference: the results go
    assert not [m for m in at.markdown if m.value.startswith("**#")]


def search_context_items(workspace):
    from workbench import search_state

    items = search_state.search_context(workspace).items
    return [i for i in items if items[i]["kind"] == "product"]


def test_the_reference_survives_a_switch_of_mode(monkeypatch, explore_workspace):
    from workbench import search_state

    context = search_state.search_context(explore_workspace)
    reference = search_context_items(explore_workspace)[0]
    png = (explore_workspace.root / context.items[reference]["image_path"]).read_bytes()
    at = page("explore.py", monkeypatch, explore_workspace.root).run()
    at.text_input(key="explore_item").input(reference).run()
    at.radio(key="explore_source").set_value("Upload an image").run()
    at.file_uploader(key="explore_upload").set_value(("photo.jpg", png, "image/jpeg")).run()
    assert not at.exception and not at.error
    uploaded = at.session_state["explore_upload_path"]
    at.radio(key="explore_source").set_value("Catalog item").run()
    assert at.text_input(key="explore_item").value == reference  # the item id came back
    at.radio(key="explore_source").set_value("Upload an image").run()
    assert not at.exception and at.session_state["explore_upload_path"] == uploaded  # and the upload
    assert any("uploaded earlier" in c.value for c in at.caption)
    at.button(key="explore_search").click().run()
    assert at.session_state["explore_response"].understood.query.image_path == uploaded


def test_a_custom_crop_is_drawn_and_searched(monkeypatch, explore_workspace):
    at = page("explore.py", monkeypatch, explore_workspace.root).run()
    at.text_input(key="explore_item").input(search_context_items(explore_workspace)[0]).run()
    at.radio(key="explore_crop_choice").set_value("a rectangle I draw").run()
    assert not at.number_input or all(not n.key.startswith("explore_crop") for n in at.number_input)
    x, y = [s for s in at.slider if s.key.startswith("explore_crop_")]
    x.set_value((10, 120)).run()
    y.set_value((20, 90)).run()
    at.button(key="explore_search").click().run()
    assert not at.exception and not at.error
    assert at.session_state["explore_response"].understood.query.crop == (10.0, 20.0, 120.0, 90.0)


def test_a_combination_the_catalog_lacks_is_said_and_the_results_called_alternatives(monkeypatch, explore_workspace):
    from workbench import search_state

    context = search_state.search_context(explore_workspace)
    carried = {(row["attributes"].get("category"), row["attributes"].get("color")) for row in context.items.values()}
    categories = sorted({c for c, _ in carried if c})
    colors = sorted({v for _, v in carried if v})
    missing = next(((c, v) for c in categories for v in colors if (c, v) not in carried), None)
    if missing is None:
        pytest.skip("the sample catalog has every category in every color")
    category, color = missing
    at = page("explore.py", monkeypatch, explore_workspace.root).run()
    at.radio(key="explore_source").set_value("Text only").run()
    at.text_input(key="explore_text").input(f"{color} {category}").run()
    at.button(key="explore_search").click().run()
    response = at.session_state["explore_response"]
    assert response.understood.target_attributes == {"category": category, "color": color}
    assert response.target_in_catalog is False and response.to_dict()["target_in_catalog"] is False
    assert "nearest alternatives" in at.warning[-1].value and f"{category}" in at.warning[-1].value
    assert "Nearest alternatives" in [h.value for h in at.subheader]
