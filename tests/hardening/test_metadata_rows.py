"""`workbench ingest` metadata: a row-level problem skips that row (named by its line) and the rest goes in;
a whole-file problem names the file and writes nothing."""

from __future__ import annotations

import json

import pytest

from tests.hardening.helpers import cli, small_png, tree_fingerprint


@pytest.fixture
def images(tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    for name, color in (("a.png", "red"), ("b.png", "blue"), ("c.png", "green")):
        (folder / name).write_bytes(small_png(color))
    return folder


def ingest(capsys, tmp_path, images, name: str, content: bytes):
    metadata = tmp_path / name
    metadata.write_bytes(content)
    return cli(capsys, "ingest", "--home", tmp_path / "ws", "--images", images, "--metadata", metadata)


def item_ids(tmp_path) -> list[str]:
    from engine.index.store import open_items_table, read_columns
    from engine.workspace import Workspace

    table = open_items_table(Workspace(tmp_path / "ws"), create=False)
    return sorted(read_columns(table, ["item_id"]).column("item_id").to_pylist())


def jsonl(*rows) -> bytes:
    return b"".join((r if isinstance(r, bytes) else json.dumps(r).encode()) + b"\n" for r in rows)


A = {"item_id": "a", "image_path": "a.png", "title": "red dress"}
C = {"item_id": "c", "image_path": "c.png", "title": "green coat"}


def _bad(row_b: bytes) -> bytes:
    return jsonl(A, row_b, C)


ROW_ERRORS = [
    ("JSONL: a value nested 400 deep", "m.jsonl",
     _bad(b'{"item_id": "b", "image_path": "b.png", "x": ' + b"[" * 400 + b"]" * 400 + b"}"),
     "row 2: the line nests arrays/objects 401 deep, more than the limit of 64"),
    ("JSONL: a value nested 100,000 deep", "m.jsonl",
     _bad(b'{"item_id": "b", "image_path": "b.png", "x": ' + b'{"y": ' * 100_000 + b"1" + b"}" * 100_001),
     "row 2: the line nests arrays/objects 100001 deep"),
    ("JSONL: Latin-1 bytes in a row", "m.jsonl", _bad(b'{"item_id": "b", "image_path": "b.png", "title": "caf\xe9"}'),
     "row 2: the line has bytes that are not UTF-8 text"),
    ("JSONL: a lone surrogate escape", "m.jsonl", _bad(b'{"item_id": "b", "image_path": "b.png", "title": "\\udc80"}'),
     "row 2: the line holds an unpaired surrogate escape"),
    ("JSONL: a row that is a list", "m.jsonl", _bad(b'["b", "b.png"]'), "row 2: the line is a JSON list, not an object"),
    ("JSONL: broken JSON", "m.jsonl", _bad(b'{"item_id": "b", '), "row 2: the line is not valid JSON"),
    ("JSONL: item_id an object", "m.jsonl", _bad(b'{"item_id": {"x": 1}, "image_path": "b.png"}'), "item_id is a dict"),
    ("CSV: a field of 200,000 characters", "m.csv",
     b"item_id,image_path,title\na,a.png,red\nb,b.png," + b"x" * 200_000 + b"\nc,c.png,green\n",
     "row 3, column title: the value of title has 200,000 characters, more than the limit of 131,072"),
    ("CSV: an unterminated quote that folds the next row in", "m.csv",
     b'item_id,image_path,title\na,a.png,red\nb,b.png,"blue\nx,c.png,green\n',
     "row 3, column title: the value of title opens a quote that is not closed"),
    ("CSV: Latin-1 bytes in a row", "m.csv", b"item_id,image_path,title\na,a.png,red\nb,b.png,caf\xe9\nc,c.png,green\n",
     "row 3: the row has bytes that are not UTF-8 text"),
    ("CSV: more fields than the header", "m.csv",
     b"item_id,image_path,title\na,a.png,red\nb,b.png,red, blue\nc,c.png,green\n",
     "row 3: the row has 4 fields but the header has 3 columns"),
]


@pytest.mark.parametrize(("what", "name", "content", "expected"), ROW_ERRORS, ids=[c[0] for c in ROW_ERRORS])
def test_a_bad_row_is_skipped_and_named_and_the_others_go_in(what, name, content, expected, images, tmp_path, capsys,
                                                             bad_input):
    code, out, err = ingest(capsys, tmp_path, images, name, content)
    assert code == 3 and expected in out and str(tmp_path / name) in out, out + err
    assert "b" not in item_ids(tmp_path) and "a" in item_ids(tmp_path)
    problem = next(line.strip() for line in out.splitlines() if expected in line)
    bad_input("ingest --metadata (a row)", what, f"exit 3, that row skipped, the others ingested: {problem}")


def test_an_unterminated_quote_at_the_end_is_not_silently_ingested(images, tmp_path, capsys, bad_input):
    code, out, _ = ingest(capsys, tmp_path, images, "m.csv",
                          b'item_id,image_path,title\na,a.png,"red dress\nb,b.png,blue shirt\n')
    assert code == 3 and "opens a quote that is not closed" in out and "0 inserted" in out
    bad_input("ingest --metadata (a row)", "CSV: an unterminated quote in the last value but one",
              f"exit 3, nothing ingested: {out.splitlines()[1].strip()}")


def test_a_quoted_multi_line_description_is_still_one_value(images, tmp_path, capsys):
    code, out, _ = ingest(capsys, tmp_path, images, "m.csv",
                          b'item_id,image_path,title\na,a.png,"red, long\ndress, with a line break"\nb,b.png,x\n')
    assert code == 0 and "2 inserted" in out


FILE_ERRORS = [
    ("CSV: a Latin-1 header", "m.csv", b"item_id,image_path,t\xeftle\na,a.png,x\n", "is not UTF-8 text"),
    ("CSV: separated by semicolons", "m.csv", b"item_id;image_path\na;a.png\n", "looks separated by ';'"),
    ("an empty file", "m.csv", b"", "is empty (0 bytes)"),
    ("CSV: a header and no rows", "m.csv", b"item_id,image_path\n", "has a header but no rows"),
    ("JSONL: every row nested too deep", "m.jsonl", jsonl(b'{"a": ' + b"[" * 500 + b"]" * 500 + b"}"),
     "none of the 1 rows"),
    ("JSONL: every row Latin-1", "m.jsonl", b'{"item_id": "caf\xe9"}\n', "none of the 1 rows"),
]


@pytest.mark.parametrize(("what", "name", "content", "expected"), FILE_ERRORS, ids=[c[0] for c in FILE_ERRORS])
def test_a_bad_file_is_named_and_nothing_is_written(what, name, content, expected, images, tmp_path, capsys, bad_input):
    ingest(capsys, tmp_path, images, "seed.jsonl", jsonl(A))
    before = tree_fingerprint(tmp_path / "ws" / "lancedb")
    code, out, err = ingest(capsys, tmp_path, images, name, content)
    assert code == 2 and expected in err and str(tmp_path / name) in err, err
    assert tree_fingerprint(tmp_path / "ws" / "lancedb") == before
    bad_input("ingest --metadata (the file)", what, f"exit 2, nothing written: {err.strip()}")
