"""`workbench eval gate` / `eval judge` on the small indexed sample with a hand-made relevance checkpoint (constant
grade probabilities, so that every expected number is counted by hand): the gate table, the model's judgments
kept apart and written once, and the refusals (threshold, missing or foreign model, a pool nobody judged)."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import numpy as np
import pytest

from engine.index.columns import TEXT_VEC
from engine.models.relevance.checkpoint import StudentMeta, catalog_hash, save_student, workspace_student
from engine.models.relevance.features import feature_count
from engine.models.relevance.student import Student
from engine.pipeline.context import SearchContext
from engine.workspace import Workspace
from labels import ConfigRecord, QueryRecord, RunResult, open_store
from workbench.cli import main

PROBABILITIES = np.array([0.05, 0.05, 0.1, 0.2, 0.6])  # every pair: grade 4
# q1 is held out of training and judged by r1 and r2 (lower medians 4, 3, 1, 0); q2 was trained on (r1 judged it);
# q3 and q4 (query set "fresh", pool 2) nobody judged
Q1_LABELS = {"r1": [4, 4, 1, 0], "r2": [4, 3, 1, 2]}
ITEMS_PER_QUERY = 4


def constant_student(features: int) -> Student:
    hidden = 2
    return Student(np.zeros(features, np.float32), np.ones(features, np.float32),
                   np.zeros((features, hidden), np.float32), np.zeros(hidden, np.float32),
                   np.zeros((hidden, 5), np.float32), np.log(PROBABILITIES).astype(np.float32))


def write_student(workspace, context, **changes) -> StudentMeta:
    features = feature_count(context.searcher(TEXT_VEC).dim)
    meta = StudentMeta(feature_dim=features, hidden=2, data_hash=catalog_hash(context.items),
                       text_model=context.text_encoder.identity.key(), clip_model=context.clip.identity.key(),
                       source="all", settings={"source": "all"}, metrics={"held_out_queries": ["q1"]},
                       vocabulary_hash=context.vocabulary.hash,
                       created="2100-01-01T00:00:00Z")  # after every judgment of the test: q2 counts as trained on
    return save_student(constant_student(features), workspace_student(workspace), replace(meta, **changes))


@pytest.fixture(scope="module")
def judged(tmp_path_factory, search_context):
    """A copy of the indexed sample with two pools, people's judgments, and the constant checkpoint."""
    workspace = Workspace(tmp_path_factory.mktemp("judge") / "ws")
    shutil.copytree(search_context.workspace.root, workspace.root, ignore=shutil.ignore_patterns("judgments.duckdb*"))
    context = SearchContext.open(workspace, search_context.clip, search_context.text_encoder)
    items = sorted(i for i, row in context.items.items() if row["kind"] == "product")
    config = ConfigRecord("cfg", "hash-cfg", '{"name": "cfg"}')
    with open_store(workspace.judgments_path) as store:
        for rater_id in ("r1", "r2", "r3"):
            store.add_rater(rater_id, rater_id.upper())
        for name, queries in (("qs", ("q1", "q2")), ("fresh", ("q3", "q4"))):
            store.add_query_set(name)
            store.add_queries([QueryRecord(q, name, "text", text, None, None, None, {})
                               for q, text in zip(queries, ("red dress", "black jacket"))])
            for n, query_id in enumerate(queries):
                chosen = items[n * ITEMS_PER_QUERY:(n + 1) * ITEMS_PER_QUERY]
                store.record_run(config, query_id, [RunResult(r, i, 1.0 / r) for r, i in enumerate(chosen, 1)],
                                 model_version="m", index_version="i")
            store.build_task_pool(name, ["cfg"], k=ITEMS_PER_QUERY, overlap=2, mode="graded", seed=0)
        tasks = store.pool_pairs(1, "model:relevance")
        for rater_id, labels in Q1_LABELS.items():
            q1 = tasks[tasks["query_id"] == "q1"].sort_values("item_id")
            for task_id, label in zip(q1["task_id"], labels):
                store.record_judgment(int(task_id), rater_id, label, seconds_spent=1.0)
        for task_id in tasks.loc[tasks["query_id"] == "q2", "task_id"]:
            store.record_judgment(int(task_id), "r1", 2, seconds_spent=1.0)
    write_student(workspace, context)
    return workspace, search_context


@pytest.fixture
def home(judged, monkeypatch):
    """The workspace's --home, with SearchContext.open reusing the session's loaded models."""
    workspace, search_context = judged
    opened = SearchContext.open.__func__

    def open_with_loaded_models(cls, ws, clip=None, text_encoder=None, vocabulary=None):
        return opened(cls, ws, clip or search_context.clip, text_encoder or search_context.text_encoder, vocabulary)

    monkeypatch.setattr(SearchContext, "open", classmethod(open_with_loaded_models))
    return str(workspace.root)


def gate_json(home, capsys, pool, thresholds="0,1") -> dict:
    assert main(["eval", "gate", "--pool", str(pool), "--home", home, "--json", "--thresholds", thresholds]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_gate_counts_by_hand_and_measures_on_held_out_pairs_people_judged(home, capsys):
    out = gate_json(home, capsys, 1)
    assert out["pairs"] == 2 * ITEMS_PER_QUERY and out["calibration_pairs"] == ITEMS_PER_QUERY
    everything, nothing = out["rows"]
    # threshold 0: the model judges all 8 pairs; the pool wants 2 people each (16), 4 + 2 of which are made
    assert (everything["model_pairs"], everything["human_pairs"]) == (8, 0)
    assert (everything["judgments_saved"], everything["open_judgments_saved"]) == (16, 16 - 8 - 4)
    # measured on q1 only (q2 was trained on): people 4, 3, 1, 0 against the model's 4, 4, 4, 4
    assert everything["agreement"] == {"n": 4, "qwk": pytest.approx(0.0), "accuracy": pytest.approx(0.25)}
    assert nothing["model_pairs"] == 0 and nothing["agreement"] is None and "unmeasured" in nothing["unmeasured"]
    assert main(["eval", "gate", "--pool", "1", "--home", home]) == 0
    text = capsys.readouterr().out
    assert "temperature-calibrated" in text and "0.250" in text


def test_a_pool_nobody_judged_has_its_agreement_unmeasured(home, capsys):
    row = gate_json(home, capsys, 2, "0")["rows"][0]
    assert row["model_pairs"] == 8 and row["open_judgments_saved"] == 16
    assert row["agreement"] is None and "no pair at or above the threshold was judged by both" in row["unmeasured"]


def test_judging_writes_the_model_s_labels_once_apart_from_people_s(home, judged, capsys):
    workspace, _ = judged
    with open_store(workspace.judgments_path, read_only=True) as store:
        people_before = store.judgments_frame()
    assert main(["eval", "judge", "--pool", "2", "--threshold", "0", "--home", home]) == 0
    assert "judges 8 pairs (8 judgments written, 0 already stored)" in capsys.readouterr().out
    assert main(["eval", "judge", "--pool", "2", "--threshold", "0", "--home", home]) == 0
    assert "(0 judgments written, 8 already stored)" in capsys.readouterr().out
    with open_store(workspace.judgments_path) as store:
        assert store.judgments_frame().equals(people_before)
        model = store.model_judgments_frame()
        assert len(model) == 8 and set(model["rater_id"]) == {"model:relevance"} and set(model["label"]) == {4}
        assert store.assign_next("r3") is not None  # pool 1 still wants people
        assert store.count_rows("model_judgments") == 8
        pool_two = set(store.pool_pairs(2, "model:relevance")["task_id"])
        while (task := store.assign_next("r3")) is not None:
            assert task.task_id not in pool_two  # the model's pairs never reach a person
            store.skip_task(task.task_id, "r3")
    assert main(["eval", "report", "--configs", "cfg", "--query-set", "fresh", "--home", home,
                 "--labels", "humans+model", "--resamples", "20"]) == 0
    assert "labels: humans+model (8 pairs labelled by a model judge only)" in capsys.readouterr().out


@pytest.mark.parametrize("bad", ["1.5", "-0.1", "high"])
def test_a_threshold_off_zero_to_one_is_refused(home, capsys, bad):
    with pytest.raises(SystemExit) as exit_:
        main(["eval", "judge", "--pool", "1", "--threshold", bad, "--home", home])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert repr(float(bad) if bad != "high" else bad) in err and "[0, 1]" in err


def test_a_missing_or_foreign_model_is_refused_with_the_retrain_command(judged, home, capsys, tmp_path):
    workspace, search_context = judged
    path = workspace_student(workspace)
    saved = {p: p.read_bytes() for p in (path, path.with_suffix(".json"))}
    context = SearchContext.open(workspace)
    with open_store(workspace.judgments_path, read_only=True) as store:
        model_rows = store.count_rows("model_judgments")
    try:
        for change, words in (({"data_hash": "0" * 64}, "another catalog"),
                              ({"vocabulary_hash": "feedfeedfeedfeed"}, "vocabulary feedfeedfeedfeed"),
                              ({"text_model": "minilm:other"}, "text model minilm:other")):
            write_student(workspace, context, **change)
            assert main(["eval", "judge", "--pool", "1", "--threshold", "0.5", "--home", home]) == 2
            err = capsys.readouterr().err
            assert words in err and "workbench train relevance --home" in err
        path.unlink()
        assert main(["eval", "gate", "--pool", "1", "--home", home]) == 2
        assert "no relevance model" in capsys.readouterr().err
    finally:
        for p, data in saved.items():
            p.write_bytes(data)
    with open_store(workspace.judgments_path, read_only=True) as store:
        assert store.count_rows("model_judgments") == model_rows  # a refusal writes nothing
