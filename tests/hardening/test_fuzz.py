"""Fuzz each entry point with seeded malformed input: no traceback, a message naming the input, nothing saved
changed. Seeds are fixed, so a failure reproduces; raise N locally to fuzz longer."""

from __future__ import annotations

import json
import random

import pytest

from tests.hardening.fuzz import mutate
from tests.hardening.helpers import cli, small_png, tree_fingerprint
from tests.hardening.test_search_input import assert_model_safe, searched  # noqa: F401  (fixture)

SEED = 21


# ---- search --queries lines ------------------------------------------------------------------------

VALID_LINES = [b'{"text": "red dress"}', b'{"item": "x", "text": "in red", "crop": [0, 0, 5, 5]}',
               b'{"item": "x", "crop": "0,0,5,5"}', b'{"text": "floral dress", "image": null}',
               b'{"item": "x", "text": "the color palette"}']


def test_fuzzed_query_lines_each_give_a_result_or_an_error_naming_the_line(searched, tmp_path, capsys):  # noqa: F811
    rng = random.Random(SEED)
    lines = [mutate(rng.choice(VALID_LINES), rng) for _ in range(400)]
    queries = tmp_path / "fuzz.jsonl"
    queries.write_bytes(b"\n".join(lines) + b"\n")
    before = tree_fingerprint(tmp_path / "ws")
    code, out, err = cli(capsys, "search", "--home", tmp_path / "ws", "--config", "baseline", "--queries", queries)
    numbered = [n for n, line in enumerate(queries.read_bytes().splitlines(), start=1) if line.strip()]
    rows = [json.loads(row) for row in out.splitlines()]
    assert code in (0, 3) and "Traceback" not in err
    assert len(rows) == len(numbered)
    errors = [(n, r) for n, r in zip(numbered, rows) if "error" in r]
    assert all(r["line"] == n and r["error"].startswith(f"{queries} line {n}: ") for n, r in errors)
    assert 50 < len(errors) < len(rows)  # the generator makes both kinds
    for query in searched:
        assert_model_safe(query.text)
    assert tree_fingerprint(tmp_path / "ws") == before


# ---- TREC files --------------------------------------------------------------------------------------

QRELS = b"1 0 a 2\n1 0 b 0\n1 0 c 1\n2 0 a 1\n2 0 d 4\n"
RUN = b"1 Q0 a 1 2.0 t\n1 Q0 b 2 1.5 t\n1 Q0 c 3 0.5 t\n2 Q0 z 1 3 t\n2 Q0 d 2 1 t\n"


def test_fuzzed_trec_files_are_evaluated_or_refused_naming_the_file(tmp_path, capsys):
    rng = random.Random(SEED)
    outcomes = set()
    for i in range(80):
        qrels, run = (mutate(QRELS, rng), RUN) if i % 2 else (QRELS, mutate(RUN, rng))
        (tmp_path / "qrels").write_bytes(qrels)
        (tmp_path / "run").write_bytes(run)
        code, out, err = cli(capsys, "eval", "trec", "--qrels", tmp_path / "qrels", "--run", tmp_path / "run",
                             "--json")
        outcomes.add(code)
        assert code in (0, 2) and "Traceback" not in err, (qrels, run, err)
        if code == 2:
            named = str(tmp_path / ("qrels" if i % 2 else "run"))
            assert named in err or "no query id is in both files" in err, (qrels, run, err)
        else:
            assert all(0 <= json.loads(row)["value"] <= 1 or json.loads(row)["measure"].startswith("ndcg")
                       for row in out.splitlines())
    assert outcomes == {0, 2}


def test_fuzzed_qrels_imports_store_all_or_nothing(tmp_path, capsys):
    from labels import open_store

    home = tmp_path / "ws"
    home.mkdir()
    open_store(home / "judgments.duckdb").close()

    def counts():
        with open_store(home / "judgments.duckdb", read_only=True) as store:
            return {t: store.count_rows(t) for t in ("queries", "tasks", "judgments", "raters")}

    rng = random.Random(SEED)
    for i in range(15):
        content = mutate(b"1 0 a 2\n1 0 b 0\n2 0 a 4\n", rng)
        (tmp_path / "q.txt").write_bytes(content)
        before = counts()
        code, _, err = cli(capsys, "eval", "import-qrels", "--home", home, tmp_path / "q.txt", "--source", f"s{i}")
        assert code in (0, 2) and "Traceback" not in err, (content, err)
        if code == 2:
            assert str(tmp_path / "q.txt") in err, (content, err)
            assert counts() == before


# ---- metadata rows -----------------------------------------------------------------------------------

JSONL_ROWS = (b'{"item_id": "a", "image_path": "a.png", "title": "red dress", "tags": ["x", "y"], "price": 3}\n'
              b'{"item_id": "b", "image_path": "a.png", "title": "blue shirt", "extra": {"k": [1, 2]}}\n')
CSV_ROWS = b'item_id,image_path,title,tags\na,a.png,"red, dress",x|y\nb,a.png,blue shirt,\n'


@pytest.mark.parametrize("suffix, base", [(".jsonl", JSONL_ROWS), (".csv", CSV_ROWS)])
def test_fuzzed_metadata_skips_bad_rows_by_number_and_never_touches_other_items(suffix, base, tmp_path, capsys):
    from engine.index.store import open_items_table
    from engine.workspace import Workspace

    images = tmp_path / "images"
    images.mkdir()
    (images / "a.png").write_bytes(small_png())
    (tmp_path / "keep.jsonl").write_text('{"item_id": "keep", "image_path": "a.png", "title": "kept"}\n')
    home = tmp_path / "ws"
    assert cli(capsys, "ingest", "--home", home, "--images", images, "--metadata", tmp_path / "keep.jsonl")[0] == 0

    def kept():
        table = open_items_table(Workspace(home), create=False)
        return table.search().where("item_id = 'keep'").to_arrow().to_pylist()

    original = kept()
    rng = random.Random(SEED)
    metadata = tmp_path / f"m{suffix}"
    for _ in range(25):
        content = mutate(base, rng)
        metadata.write_bytes(content)
        before = tree_fingerprint(home / "lancedb")
        code, out, err = cli(capsys, "ingest", "--home", home, "--images", images, "--metadata", metadata)
        assert code in (0, 2, 3) and "Traceback" not in err, (content, err)
        if code == 2:
            assert str(metadata) in err, (content, err)
            assert tree_fingerprint(home / "lancedb") == before
        else:
            assert f"from {metadata}" in out
            if code == 3:
                assert all(line.strip().startswith("row ") for line in out.splitlines()[1:] if line.startswith("  "))
        assert kept() == original
