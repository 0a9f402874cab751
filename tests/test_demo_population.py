"""The demo's judgments on the small indexed sample: runs of both configs, a blind pool, simulated raters."""

import numpy as np
import pytest

from labels import open_store
from workbench.demo_population import CONFIGS, QUERY_SET, DemoSettings, oracle_for, populate

SMALL = DemoSettings(pivots_and_descriptors=6, crops=0, k=5, overlap=2, gold_rate=0.1)


@pytest.fixture(scope="module")
def populated(tmp_path_factory, search_context, sample_catalog):
    store = open_store(tmp_path_factory.mktemp("demo") / "judgments.duckdb")
    logged = []
    assert populate(search_context.workspace, search_context, store, SMALL, catalog=sample_catalog,
                    log=logged.append)
    yield store, logged
    store.close()


def test_both_configs_ran_every_query_and_the_pool_was_judged(populated):
    store, logged = populated
    queries = store.queries(QUERY_SET)
    assert len(queries) == 6 and {q.query_type for q in queries} <= {"pivot", "descriptor"}
    runs = store.run_results_frame(list(CONFIGS), QUERY_SET)
    assert set(runs["config_name"]) == set(CONFIGS)
    assert runs.groupby("config_name")["query_id"].nunique().to_dict() == {c: 6 for c in CONFIGS}
    assert runs.groupby(["config_name", "query_id"])["rank"].max().max() <= SMALL.k
    judged = store.judgments_frame()
    pooled = set(zip(runs["query_id"], runs["item_id"]))
    assert set(zip(judged["query_id"], judged["item_id"])) == pooled  # every pooled pair, nothing else
    assert (judged.groupby(["query_id", "item_id"])["rater_id"].nunique() == SMALL.overlap).all()
    assert judged["simulated"].all()
    assert not store.gold_frame().empty
    assert "simulated judgments" in logged[-1]


def test_simulated_labels_follow_the_ground_truth_oracle(populated, sample_catalog):
    from sample_data.benchmark_queries import build_query_set
    from sample_data.relevance import load_sample_truth

    store, _ = populated
    bench = build_query_set(sample_catalog, n=SMALL.pivots_and_descriptors, n_crops=0, seed=SMALL.seed)
    oracle = oracle_for(bench, load_sample_truth(sample_catalog / "items.parquet"))
    judged = store.judgments_frame()
    records = {q.query_id: q for q in store.queries(QUERY_SET)}
    truth = np.array([oracle(records[q], i) for q, i in zip(judged["query_id"], judged["item_id"])])
    assert np.corrcoef(truth, judged["label"].to_numpy())[0, 1] > 0.6


def test_a_second_populate_changes_nothing(populated, search_context, sample_catalog):
    store, _ = populated
    before = {t: store.count_rows(t) for t in ("runs", "judgments", "tasks")}
    assert not populate(search_context.workspace, search_context, store, SMALL, catalog=sample_catalog,
                        log=lambda _: None)
    assert {t: store.count_rows(t) for t in before} == before


def test_eval_run_records_each_configs_runs_and_reports_a_bad_query(tmp_path, search_context, capsys):
    import shutil

    from labels import QueryRecord
    from workbench.cli import main

    home = tmp_path / "ws"
    shutil.copytree(search_context.workspace.root, home, ignore=shutil.ignore_patterns("judgments.duckdb*"))
    item = sorted(search_context.items)[0]
    with open_store(home / "judgments.duckdb") as store:
        store.add_query_set("mine")
        store.add_queries([QueryRecord("q1", "mine", "pivot", "in red", item),
                           QueryRecord("q2", "mine", "pivot", "in red", "no-such-item")])
    assert main(["eval", "run", "--home", str(home), "--configs", "baseline,full_standins", "--query-set", "mine",
                 "--k", "4"]) == 3
    out = capsys.readouterr().out
    assert "recorded 2 runs; 2 failed" in out and "no-such-item" in out
    with open_store(home / "judgments.duckdb", read_only=True) as store:
        runs = store.run_results_frame(["baseline", "full_standins"], "mine")
    assert sorted(set(runs["config_name"])) == ["baseline", "full_standins"] and set(runs["query_id"]) == {"q1"}
    assert runs.groupby("config_name").size().to_dict() == {"baseline": 4, "full_standins": 4}
    assert item not in set(runs["item_id"])  # the reference is never its own result
    # `full` needs trained models this workspace lacks: refused before anything is stored, naming the commands
    assert main(["eval", "run", "--home", str(home), "--configs", "baseline,full", "--query-set", "mine"]) == 2
    assert "workbench train searchsage" in capsys.readouterr().err
    with open_store(home / "judgments.duckdb", read_only=True) as store:
        assert len(store.run_results_frame(["baseline", "full_standins"], "mine")) == 8  # nothing more stored


def test_the_demo_trains_models_through_command_functions_not_the_argv_parser(tmp_path, monkeypatch, capsys):
    import workbench.cli
    from engine.pipeline.requirements import ENGAGEMENT, RELEVANCE, SEARCHSAGE
    from engine.workspace import Workspace
    from workbench.commands import demo

    def no_reentry(argv=None):
        raise AssertionError(f"the demo re-entered cli.main with {argv}")

    monkeypatch.setattr(workbench.cli, "main", no_reentry)
    assert set(demo._demo_trainers()) == {SEARCHSAGE.model, ENGAGEMENT.model, RELEVANCE.model}
    demo.train_demo_models(Workspace(tmp_path / "bare").create(), (SEARCHSAGE, ENGAGEMENT, RELEVANCE))
    out = capsys.readouterr().out
    # nothing is indexed: each command function's own error is printed and the demo goes on
    assert out.count("could not train the") == 3 and "workbench ingest" in out and "workbench index" in out
