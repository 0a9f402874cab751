"""The loop of issue 8 on the small indexed sample: the three learned models train from the commands (the
search log, then the simulated judgments), and `full` (learned CG, relevance and engagement) runs, is pooled
and judged beside `baseline` and `full_standins`."""

import shutil

import pytest

from engine.pipeline.config import load_config
from engine.pipeline.context import SearchContext
from engine.pipeline.requirements import missing_models
from engine.pipeline.search import search
from engine.records import Query
from engine.workspace import Workspace
from labels import open_store
from workbench.cli import main
from workbench.demo_population import LEARNED_CONFIG, QUERY_SET, DemoSettings, populate, populate_learned

# Enough judgments for the relevance model's minimum (200): 20 queries, pooled 10 deep, 3 raters each.
SETTINGS = DemoSettings(pivots_and_descriptors=20, crops=0, k=10, overlap=3, gold_rate=0.0)


@pytest.fixture(scope="module")
def learned(tmp_path_factory, search_context, sample_catalog):
    workspace = Workspace(tmp_path_factory.mktemp("learned") / "ws")
    shutil.copytree(search_context.workspace.root, workspace.root, ignore=shutil.ignore_patterns("judgments.duckdb*"))
    log = str(sample_catalog / "search_log")
    home = str(workspace.root)
    assert missing_models(load_config("full"), workspace)
    assert main(["train", "searchsage", "--home", home, "--search-log", log, "--epochs", "1"]) == 0
    assert main(["train", "engagement", "--home", home, "--search-log", log]) == 0
    with open_store(workspace.judgments_path) as store:
        assert populate(workspace, SearchContext.open(workspace, search_context.clip, search_context.text_encoder),
                        store, SETTINGS, catalog=sample_catalog, log=lambda line: None)
    assert main(["train", "relevance", "--home", home, "--epochs", "1"]) == 0
    assert missing_models(load_config("full"), workspace) == []
    context = SearchContext.open(workspace, search_context.clip, search_context.text_encoder)
    with open_store(workspace.judgments_path) as store:
        assert populate_learned(workspace, context, store, SETTINGS, catalog=sample_catalog, log=lambda line: None)
        assert not populate_learned(workspace, context, store, SETTINGS, catalog=sample_catalog)  # once only
    return workspace, context


def test_full_runs_with_the_learned_cg_and_terms(learned, search_context):
    workspace, context = learned
    item = sorted(i for i, row in context.items.items() if row["kind"] == "product")[0]
    full = search(context, Query(text="in red", item_id=item), load_config("full", workspace), k=10)
    standins = search(context, Query(text="in red", item_id=item), load_config("full_standins", workspace), k=10)
    assert "learned" in {s.cg for r in full.results for s in r.sources}
    assert "learned" not in {s.cg for r in standins.results for s in r.sources}
    relevance = {r.item_id: r.breakdown.relevance for r in full.results}
    engagement = {r.item_id: r.breakdown.engagement for r in full.results}
    assert all(0.0 <= v <= 1.0 for v in [*relevance.values(), *engagement.values()])
    shared = set(relevance) & {r.item_id for r in standins.results}
    old = {r.item_id: r.breakdown for r in standins.results}
    # the learned terms are not the stand-ins' values under another name
    assert any(abs(relevance[i] - old[i].relevance) > 1e-6 or abs(engagement[i] - old[i].engagement) > 1e-6
               for i in shared)


def test_full_is_run_pooled_and_judged_beside_the_stand_ins(learned):
    workspace, _ = learned
    with open_store(workspace.judgments_path, read_only=True) as store:
        runs = store.run_results_frame(None, QUERY_SET)
        assert set(runs["config_name"]) == {"baseline", "full_standins", LEARNED_CONFIG}
        queries = {q.query_id for q in store.queries(QUERY_SET)}
        assert set(runs.loc[runs["config_name"] == LEARNED_CONFIG, "query_id"]) == queries
        judged = set(zip(*[store.judgments_frame()[c] for c in ("query_id", "item_id")]))
    top = runs[(runs["config_name"] == LEARNED_CONFIG) & (runs["rank"] <= SETTINGS.k)]
    assert set(zip(top["query_id"], top["item_id"])) <= judged  # every pooled pair of full has judgments


def test_the_dashboard_shows_the_models_against_the_raters_and_the_engagement_calibration(learned, monkeypatch):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    workspace, _ = learned
    monkeypatch.setenv("WORKBENCH_HOME", str(workspace.root))
    monkeypatch.setenv("WORKBENCH_AUTH", "none")
    page = Path(__file__).resolve().parents[1] / "workbench" / "app_pages" / "dashboard.py"
    at = AppTest.from_file(str(page), default_timeout=180).run()
    assert not at.exception
    assert "Engagement model calibration" in [h.value for h in at.subheader]
    assert not any("saved without its reliability table" in c.value for c in at.caption)  # the plot is drawn
    at.button(key="dashboard_model_agreement").click().run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "model_kappa" in d.value.columns)
    assert set(table["rater_id"]) and (table["n"] > 0).all()
    assert table["model_kappa"].between(-1, 1).all()
    judge = next(m.value for m in at.markdown if "model as a judge" in m.value)
    assert "relevance model as a judge" in judge and "eval agreement --json" in judge


def test_eval_agreement_lists_the_relevance_model_as_a_judge(learned, capsys):
    import json

    workspace, _ = learned
    assert main(["eval", "agreement", "--home", str(workspace.root), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (judge,) = report["models"]
    assert judge["name"] == "relevance" and judge["n_units"] > 0  # held-out queries' pairs, 3 raters each
    assert -1 <= judge["kappa"] <= 1 and -1 <= judge["raters_kappa"] <= 1
    with open_store(workspace.judgments_path, read_only=True) as store:
        judged = store.judgments_frame(mode="graded")
    # the units are pairs of queries the student did not train on, each judged by two raters or more
    from engine.models.relevance.checkpoint import load_student, workspace_student
    from engine.models.relevance.judge_agreement import relevance_units

    _, meta = load_student(workspace_student(workspace))
    units = relevance_units(judged, meta.settings, meta.metrics)
    assert len(units) == judge["n_units"] and {q for q, _ in units} <= set(meta.metrics["held_out_queries"])
    assert main(["eval", "agreement", "--home", str(workspace.root), "--json", "--skip-models"]) == 0
    assert json.loads(capsys.readouterr().out)["models"] == []
