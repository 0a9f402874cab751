"""`eval export-queries` and `eval import-run`: a run from elsewhere becomes a config like any other."""

import json
import shutil

import pytest

from labels import open_store
from tests.eval.conftest import QUERIES, RANKINGS, build_store
from workbench.cli import main


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("import-template")
    build_store(folder / "judgments.duckdb")
    return folder


@pytest.fixture
def home(tmp_path, template):
    """A fresh copy of the hand-made store of tests.eval (queries q1-q3, configs A and B, judged top 3)."""
    for path in template.glob("judgments.duckdb*"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def report(home, capsys, configs):
    code, out, err = run(capsys, "eval", "report", "--home", str(home), "--configs", configs, "--json",
                         "--resamples", "200", "--exclude-simulated", "--measures", "P@3,nDCG@3,map,recip_rank")
    assert code == 0, err
    return {(s["config"], s["group"]): s["means"] for s in json.loads(out)["summaries"]}


def latest(home, config):
    with open_store(home / "judgments.duckdb", read_only=True) as store:
        frame = store.run_results_frame([config])
    return {q: list(g.sort_values("rank")["item_id"]) for q, g in frame.groupby("query_id")}


@pytest.mark.parametrize("score", ["original", "rank"])
def test_a_run_exported_from_one_config_and_imported_as_another_reports_identical_metrics(home, tmp_path, capsys,
                                                                                           score):
    out = tmp_path / "A.run"
    assert run(capsys, "eval", "export-run", "--home", str(home), "--config", "A", "--out", str(out),
               "--score", score)[0] == 0
    code, text, err = run(capsys, "eval", "import-run", "--home", str(home), "--config", "A-copy", str(out))
    assert code == 0, err
    assert "imported 3 runs (12 results) of 12 trec lines as config A-copy" in text
    assert "not checked against the catalog" in text  # this store's workspace has no index
    assert latest(home, "A-copy") == RANKINGS["A"]
    means = report(home, capsys, "A,A-copy")
    for group in ("all", "pivot", "text", "descriptor"):
        assert means["A", group] == means["A-copy", group]
    # and it pools like a built-in config: the pool reuses the tasks already judged for A
    with open_store(home / "judgments.duckdb") as store:
        pool = store.build_task_pool("qs", ["A-copy"], k=3, overlap=3)
    assert (pool.n_tasks, pool.n_new_tasks) == (9, 0)


@pytest.mark.parametrize("export_score, import_order", [("original", "rank"), ("rank", "score")])
def test_a_run_whose_scores_tie_round_trips_with_either_option(home, tmp_path, capsys, export_score, import_order):
    from labels import ConfigRecord, RunResult

    with open_store(home / "judgments.duckdb") as store:  # attribute fill: stored order is not the score order
        for query_id, items in RANKINGS["B"].items():
            store.record_run(ConfigRecord("T", "hash-T", '{"name": "T"}'), query_id,
                             [RunResult(rank, item, 1.0) for rank, item in enumerate(items, start=1)],
                             model_version="m", index_version="i")
    out = tmp_path / "T.run"
    assert run(capsys, "eval", "export-run", "--home", str(home), "--config", "T", "--out", str(out),
               "--score", export_score)[0] == 0
    assert run(capsys, "eval", "import-run", "--home", str(home), "--config", "T-copy", str(out),
               "--order", import_order)[0] == 0
    assert latest(home, "T-copy") == RANKINGS["B"]
    means = report(home, capsys, "T,T-copy")
    assert means["T", "all"] == means["T-copy", "all"] == report(home, capsys, "B")["B", "all"]


def test_jsonl_runs_ordered_by_score_or_by_the_files_ranks(home, tmp_path, capsys):
    lines = [{"query_id": "q1", "item_id": "c", "rank": 1, "score": 0.2},  # the file ranks c first ...
             {"query_id": "q1", "item_id": "a", "rank": 2, "score": 0.9},  # ... but scores a highest
             {"query_id": "q2", "item_id": "f", "rank": 1, "score": 3}]
    path = tmp_path / "run.jsonl"
    path.write_text("\r\n".join(json.dumps(line) for line in lines) + "\r\n", encoding="utf-8-sig")  # BOM + CRLF
    code, out, _ = run(capsys, "eval", "import-run", "--home", str(home), "--config", "S", str(path))
    assert code == 0 and "imported 2 runs (3 results) of 3 jsonl lines" in out
    assert "in 1 queries the file's ranks disagree with the scores" in out
    assert latest(home, "S") == {"q1": ["a", "c"], "q2": ["f"]}
    assert run(capsys, "eval", "import-run", "--home", str(home), "--config", "R", str(path), "--order", "rank")[0] == 0
    assert latest(home, "R") == {"q1": ["c", "a"], "q2": ["f"]}


def test_query_ids_written_queryset_colon_id_are_read(home, tmp_path, capsys):
    path = tmp_path / "run"
    path.write_text("qs:q1 Q0 a 1 2 x\nqs:q2 Q0 e 1 2 x\n")
    code, out, _ = run(capsys, "eval", "import-run", "--home", str(home), "--config", "P", str(path))
    assert code == 0 and "read 2 query ids written QUERYSET:QUERYID" in out
    assert latest(home, "P") == {"q1": ["a"], "q2": ["e"]}


def test_unknown_ids_are_reported_with_counts_and_examples_and_nothing_is_stored(home, tmp_path, capsys):
    path = tmp_path / "run"
    path.write_text("q1 Q0 a 1 2 x\nnope Q0 a 1 2 x\nnada Q0 b 1 2 x\n")
    code, _, err = run(capsys, "eval", "import-run", "--home", str(home), "--config", "U", str(path))
    assert code == 2 and "2 query ids the store does not know ('nope', 'nada')" in err and "--skip-unknown" in err
    with open_store(home / "judgments.duckdb", read_only=True) as store:
        assert "U" not in {c.name for c in store.configs()}
    code, out, _ = run(capsys, "eval", "import-run", "--home", str(home), "--config", "U", str(path), "--skip-unknown")
    assert code == 0 and "left out 2 query ids the store does not know: 'nope', 'nada'" in out
    assert latest(home, "U") == {"q1": ["a"]}


def test_unknown_item_ids_are_checked_against_the_catalog(home, tmp_path):
    from workbench.run_import import UnknownIdsError, import_run

    path = tmp_path / "run"
    path.write_text("q1 Q0 a 1 3 x\nq1 Q0 ghost 2 2 x\nq1 Q0 b 3 1 x\n")
    with open_store(home / "judgments.duckdb") as store:
        with pytest.raises(UnknownIdsError, match=r"1 results whose item id is not in the catalog \('q1/ghost'\)"):
            import_run(store, path, "C", catalog_ids={"a", "b"})
        result = import_run(store, path, "C", catalog_ids={"a", "b"}, skip_unknown=True)
        frame = store.run_results_frame(["C"])
    assert result.unknown_items == [("q1", "ghost")]
    assert list(frame["item_id"]) == ["a", "b"] and list(frame["rank"]) == [1, 3]  # b keeps its position


def test_a_reimport_replaces_the_earlier_run_only_after_the_whole_file_parsed(home, tmp_path, capsys):
    first, second, broken = tmp_path / "first", tmp_path / "second", tmp_path / "broken"
    first.write_text("q1 Q0 a 1 2 x\nq2 Q0 e 1 2 x\nq3 Q0 i 1 2 x\n")
    second.write_text("q1 Q0 b 1 2 x\nq2 Q0 f 1 2 x\n")
    broken.write_text("q1 Q0 c 1 2 x\nq2 Q0 g 1 two x\n")
    assert run(capsys, "eval", "import-run", "--home", str(home), "--config", "X", str(first))[0] == 0
    code, _, err = run(capsys, "eval", "import-run", "--home", str(home), "--config", "X", str(broken))
    assert code == 2 and f"{broken}:2: score must be a number, got 'two'" in err
    assert latest(home, "X") == {"q1": ["a"], "q2": ["e"], "q3": ["i"]}  # untouched
    code, out, _ = run(capsys, "eval", "import-run", "--home", str(home), "--config", "X", str(second))
    assert code == 0 and "withdrew the earlier results of 1 queries this file no longer has: 'q3'" in out
    assert latest(home, "X") == {"q1": ["b"], "q2": ["f"]}


@pytest.mark.parametrize("text, message", [
    ("q1 Q0 a 1 2\n", "expected 6 fields 'qid Q0 docid rank score tag', got 5"),
    ("q1 Q0 a first 2 x\n", "rank must be a whole number, got 'first'"),
    ("q1 Q0 a 1 2 x\nq1 Q0 a 2 1 x\n", "document 'a' is retrieved twice for query 'q1' (first on line 1)"),
    ("", "the run file is empty"),
    ("\r\n\r\n", "only blank lines"),
    ('{"query_id": "q1", "item_id": "a", "rank": 1}\n', "missing score"),
    ('{"query_id": "q1", "item_id": "a", "rank": "1", "score": 1}\n', "rank must be a whole number, got '1'"),
    ('{"query_id": "q1", "item_id": "a", "rank": 1, "score": 1}\n{"query_id": "q1"\n', ":2: not JSON"),
])
def test_bad_run_files_name_the_file_line_and_fix(home, tmp_path, capsys, text, message):
    path = tmp_path / ("run.jsonl" if text.startswith("{") else "run")
    path.write_bytes(text.encode())
    code, _, err = run(capsys, "eval", "import-run", "--home", str(home), "--config", "Z", str(path))
    assert code == 2 and message in err and str(path) in err


def test_crlf_trec_files_import(home, tmp_path, capsys):
    path = tmp_path / "run"
    path.write_bytes(b"q1 Q0 a 1 2 x\r\nq1 Q0 b 2 1 x\r\n")
    assert run(capsys, "eval", "import-run", "--home", str(home), "--config", "W", str(path))[0] == 0
    assert latest(home, "W") == {"q1": ["a", "b"]}


def test_an_imported_run_may_not_take_a_config_files_name(home, tmp_path, capsys):
    path = tmp_path / "run"
    path.write_text("q1 Q0 a 1 2 x\n")
    code, _, err = run(capsys, "eval", "import-run", "--home", str(home), "--config", "full", str(path))
    assert code == 2 and "is the config file" in err and "full.toml" in err


def test_export_queries_writes_the_set_as_jsonl(home, tmp_path, capsys):
    out = tmp_path / "queries.jsonl"
    code, text, _ = run(capsys, "eval", "export-queries", "--home", str(home), "--query-set", "qs", "--out", str(out))
    assert code == 0 and "wrote 3 queries" in text
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows[0] == {"query_id": "q1", "text": "in black", "item": "p-jacket", "crop": None, "mode": "pivot"}
    assert rows[2] == {"query_id": "q3", "text": "this palette", "item": None, "crop": "0.1,0.1,0.9,0.8",
                       "mode": "descriptor", "image": "scenes/s1.jpg"}
    assert [r["query_id"] for r in rows] == [q.query_id for q in QUERIES]


def test_exported_queries_upload_into_another_set_as_the_admin_page_reads_them(home, tmp_path, capsys):
    from workbench.query_upload import parse_query_jsonl

    out = tmp_path / "queries.jsonl"
    assert run(capsys, "eval", "export-queries", "--home", str(home), "--query-set", "qs", "--out", str(out))[0] == 0
    records = parse_query_jsonl(out.read_text(), "copy")
    assert [(r.query_id, r.query_type, r.text, r.image_item_id, r.image_path, r.crop) for r in records] == \
        [(q.query_id, q.query_type, q.text, q.image_item_id, q.image_path, q.crop) for q in QUERIES]
