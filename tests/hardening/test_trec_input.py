"""TREC files: one reader for qrels and runs (`eval trec`, `eval import-qrels`) that takes BOMs, CRLF and CR,
and refuses, naming the file and line, what trec_eval would misread."""

from __future__ import annotations

import json

import pytest

from tests.hardening.helpers import cli

QRELS = b"1 0 a 2\n1 0 b 0\n1 0 c 1\n2 0 a 1\n"
RUN = b"1 Q0 a 1 2.0 t\n1 Q0 b 2 1.5 t\n1 Q0 c 3 0.5 t\n2 Q0 z 1 3 t\n"


def trec(capsys, tmp_path, qrels: bytes, run: bytes):
    (tmp_path / "qrels").write_bytes(qrels)
    (tmp_path / "run").write_bytes(run)
    return cli(capsys, "eval", "trec", "--qrels", tmp_path / "qrels", "--run", tmp_path / "run", "--json",
               "--per-query")


def values(out: str) -> dict:
    return {(r["measure"], r["query"]): r["value"] for r in map(json.loads, out.splitlines())}


@pytest.fixture
def expected(tmp_path_factory, capsys):
    code, out, _ = trec(capsys, tmp_path_factory.mktemp("plain"), QRELS, RUN)
    assert code == 0
    return values(out)


SAME_ANSWER = [
    ("qrels with a UTF-8 BOM", b"\xef\xbb\xbf" + QRELS, RUN),
    ("run with a UTF-8 BOM", QRELS, b"\xef\xbb\xbf" + RUN),
    ("qrels with CRLF line ends", QRELS.replace(b"\n", b"\r\n"), RUN),
    ("run with CRLF line ends", QRELS, RUN.replace(b"\n", b"\r\n")),
    ("qrels with old-Mac CR line ends", QRELS.replace(b"\n", b"\r"), RUN),
    ("run with tabs and blank lines", QRELS, RUN.replace(b" ", b"\t").replace(b"\n", b"\n\n")),
]


@pytest.mark.parametrize(("what", "qrels", "run"), SAME_ANSWER, ids=[c[0] for c in SAME_ANSWER])
def test_encodings_and_line_ends_give_the_same_answer(what, qrels, run, expected, tmp_path, capsys, bad_input):
    code, out, err = trec(capsys, tmp_path, qrels, run)
    assert code == 0 and values(out) == expected and not err
    bad_input("eval trec", what, f"exit 0, the same values as the plain file (P_5 all = {expected['P_5', 'all']:.2f})")


BAD_QRELS = [
    ("qrels in Latin-1 (byte 0xe9)", b"1 0 caf\xe9 1\n", "qrels:1: byte 8 of the line (0xe9) is not UTF-8"),
    ("qrels in UTF-16", "1 0 a 1\n".encode("utf-16"), "qrels:1: byte 1 of the line (0xff) is not UTF-8"),
    ("grade too large for int64", b"1 0 a 99999999999999999999999\n", "relevance 99999999999999999999999 is out of range"),
    ("grade 2**31", b"1 0 a 2147483648\n", "relevance 2147483648 is out of range"),
    ("grade 1.5", b"1 0 a 1.5\n", "relevance must be a whole number, got '1.5'"),
    ("grade 'high'", b"1 0 a high\n", "relevance must be a whole number, got 'high'"),
    ("a NUL byte in a document id", b"1 0 a\x00b 1\n", "control character '\\x00'"),
    ("a control character (0x01) in a query id", b"1\x01 0 a 1\n", "control character '\\x01'"),
    ("three fields", b"1 0 a\n", "expected 4 fields 'qid 0 docid rel', got 3"),
    ("five fields", b"1 0 a 1 x\n", "expected 4 fields 'qid 0 docid rel', got 5"),
    ("an empty file", b"", "the qrels file is empty"),
    ("only blank lines", b"\n \r\n\t\n", "the qrels file is only blank lines"),
    ("a document judged twice", b"1 0 a 1\n1 0 a 0\n", "judged again (first on line 1)"),
    ("no query id shared with the run", b"9 0 a 1\n", "no query id is in both files"),
]


@pytest.mark.parametrize(("what", "qrels", "expected_error"), BAD_QRELS, ids=[c[0] for c in BAD_QRELS])
def test_bad_qrels_are_errors_naming_the_file_and_line(what, qrels, expected_error, tmp_path, capsys, bad_input):
    code, out, err = trec(capsys, tmp_path, qrels, RUN)
    assert code == 2 and not out and expected_error in err, err
    assert str(tmp_path / "qrels") in err or "both files" in err
    bad_input("eval trec --qrels", what, f"exit 2: {err.strip()}")


BAD_RUNS = [
    ("run in Latin-1 (byte 0xe9)", b"1 Q0 caf\xe9 1 1.0 t\n", "run:1: byte 9 of the line (0xe9) is not UTF-8"),
    ("rank too large for int64", b"1 Q0 a 99999999999999999999 1.0 t\n", "rank 99999999999999999999 is out of range"),
    ("score 'nan'", b"1 Q0 a 1 nan t\n", "score must be a finite number"),
    ("score 1e999 (infinite)", b"1 Q0 a 1 1e999 t\n", "score must be a finite number"),
    ("score 'high'", b"1 Q0 a 1 high t\n", "score must be a number, got 'high'"),
    ("a NUL byte in a document id", b"1 Q0 a\x00 1 1.0 t\n", "control character '\\x00'"),
    ("five fields", b"1 Q0 a 1 1.0\n", "expected 6 fields"),
    ("an empty file", b"", "the run file is empty"),
    ("a document retrieved twice", b"1 Q0 a 1 1.0 t\n1 Q0 a 2 0.5 t\n", "retrieved twice"),
    ("no query id shared with the qrels", b"7 Q0 a 1 1.0 t\n", "no query id is in both files"),
]


@pytest.mark.parametrize(("what", "run", "expected_error"), BAD_RUNS, ids=[c[0] for c in BAD_RUNS])
def test_bad_runs_are_errors_naming_the_file_and_line(what, run, expected_error, tmp_path, capsys, bad_input):
    code, out, err = trec(capsys, tmp_path, QRELS, run)
    assert code == 2 and not out and expected_error in err, err
    assert str(tmp_path / "run") in err or "both files" in err
    bad_input("eval trec --run", what, f"exit 2: {err.strip()}")


def test_a_missing_file_and_a_folder_are_named(tmp_path, capsys, bad_input):
    (tmp_path / "folder").mkdir()
    (tmp_path / "run").write_bytes(RUN)
    for path in (tmp_path / "missing", tmp_path / "folder"):
        code, _, err = cli(capsys, "eval", "trec", "--qrels", path, "--run", tmp_path / "run")
        assert code == 2 and f"{path}: no such file" in err
    bad_input("eval trec --qrels", "a path that does not exist, or a folder", f"exit 2: {err.strip()}")


# ---- eval import-qrels: the same reader, and the store left as it was -------------------------------

@pytest.fixture
def home(tmp_path):
    from labels import QueryRecord, open_store

    root = tmp_path / "ws"
    root.mkdir()
    with open_store(root / "judgments.duckdb") as store:
        store.add_query_set("bench", "a benchmark")
        store.add_queries([QueryRecord(query_id="1", query_set="bench", query_type="text", text="red dress")])
    return root


def store_rows(home):
    from labels import open_store

    with open_store(home / "judgments.duckdb", read_only=True) as store:
        return {t: store.count_rows(t) for t in ("queries", "tasks", "judgments", "raters", "query_sets")}


IMPORT_ERRORS = [
    ("grade 5 on the graded 0..4 scale", b"7 0 a 5\n", [], "label 5 is outside the graded scale"),
    ("grade too large for int64", b"7 0 a 99999999999999999999\n", [], "is out of range"),
    ("grade 2 with --mode binary", b"7 0 a 2\n", ["--mode", "binary"], "outside the binary scale"),
    ("a NUL byte in a document id", b"7 0 d\x00c 1\n", [], "control character '\\x00'"),
    ("Latin-1 bytes", b"7 0 caf\xe9 1\n", [], "is not UTF-8"),
    ("an empty file", b"", [], "the qrels file is empty"),
    ("labels for the query set 'bench''s own query 1, without --merge", b"1 0 a 3\n", [],
     "belong to other query sets (query set 'bench': 1)"),
]


@pytest.mark.parametrize(("what", "content", "flags", "expected_error"), IMPORT_ERRORS, ids=[c[0] for c in IMPORT_ERRORS])
def test_import_qrels_refuses_and_changes_nothing(what, content, flags, expected_error, home, tmp_path, capsys,
                                                  bad_input):
    before = store_rows(home)
    (tmp_path / "q.txt").write_bytes(content)
    code, out, err = cli(capsys, "eval", "import-qrels", "--home", home, tmp_path / "q.txt", "--source", "ext", *flags)
    assert code == 2 and not out and expected_error in err, err
    assert store_rows(home) == before
    bad_input("eval import-qrels", what, f"exit 2, nothing stored: {err.strip()}")


def test_import_qrels_with_a_bom_reads_the_first_query_id_plainly(home, tmp_path, capsys, bad_input):
    from labels import open_store

    (tmp_path / "q.txt").write_bytes(b"\xef\xbb\xbf7 0 a 3\r\n7 0 b 0\r\n")
    code, out, _ = cli(capsys, "eval", "import-qrels", "--home", home, tmp_path / "q.txt", "--source", "ext")
    assert code == 0
    with open_store(home / "judgments.duckdb", read_only=True) as store:
        assert [q.query_id for q in store.queries("ext")] == ["7"]
    bad_input("eval import-qrels", "a UTF-8 BOM and CRLF", f"exit 0, query id '7' (not '\\ufeff7'): {out.strip()}")


def test_imported_qrels_stay_apart_from_a_benchmark_unless_merged(home, tmp_path, capsys, bad_input):
    from labels import open_store

    (tmp_path / "q.txt").write_bytes(b"1 0 a 3\n")
    argv = ["eval", "import-qrels", "--home", home, tmp_path / "q.txt", "--source", "ext"]
    assert cli(capsys, *argv)[0] == 2
    with open_store(home / "judgments.duckdb", read_only=True) as store:
        assert store.judgments_frame(query_set="bench").empty
    code, out, _ = cli(capsys, *argv, "--merge")
    assert code == 0
    with open_store(home / "judgments.duckdb", read_only=True) as store:
        assert store.judgments_frame(query_set="bench")["rater_id"].tolist() == ["qrels:ext"]
    bad_input("eval import-qrels", "labels for a benchmark's own query, with --merge", f"exit 0, merged on purpose: {out.strip()}")


@pytest.mark.parametrize("level", ["99", "-3", "5", "2.5", "three"])
def test_report_relevance_level_is_on_the_graded_scale(level, home, capsys, bad_input):
    code, out, err = cli(capsys, "eval", "report", "--home", home, "--configs", "a", "--relevance-level", level)
    assert code == 2 and not out and "--relevance-level" in err and ("0 to 4" in err)
    bad_input("eval report", f"--relevance-level {level}", f"exit 2: {err.strip().splitlines()[-1]}")


def test_build_report_checks_the_level_too():
    import pandas as pd

    from eval.report import build_report

    with pytest.raises(ValueError, match="relevance level 99 is off the graded scale"):
        build_report(pd.DataFrame(columns=["config_name", "config_hash", "run_id", "query_id", "item_id", "rank",
                                           "score"]), pd.DataFrame(), configs=["a"], measures=["P@10"],
                     relevance_level=99)
