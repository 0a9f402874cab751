"""ingest_catalog end to end on tiny catalogs: formats, upserts, bad rows skipped, bad files refused."""

import json
from pathlib import Path

import pytest

import engine.catalog.ingest as ingest_module
from engine.catalog import CatalogError, ingest_catalog
from engine.index import open_items_table

from .conftest import ROWS, table_rows, write_csv, write_jsonl, write_parquet


def typed_rows():
    """ROWS as Parquet/JSONL would hold them: real lists and numbers, nulls for empty cells."""
    return [
        {**row, "tags": ["red", "summer"], "price": 19.99, "brand": "Acme", "kind": "product"} if row["item_id"] == "a1"
        else {**row, "tags": ["blue", "denim"], "price": None, "brand": None, "kind": None} if row["item_id"] == "a2"
        else {**row, "title": None, "tags": [], "price": 0.0, "kind": "scene"}
        for row in ROWS
    ]


EXPECTED = {
    "a1": {"title": "Red dress", "tags": ["red", "summer"], "price": 19.99, "brand": "Acme", "kind": "product"},
    "a2": {"title": "Blue jeans", "tags": ["blue", "denim"], "price": None, "brand": None, "kind": "product"},
    "a3": {"title": None, "tags": [], "price": 0.0, "brand": "Bootco", "kind": "scene"},
}


@pytest.mark.parametrize("writer, name", [(None, "items.csv"), (write_parquet, "items.parquet"),
                                          (write_jsonl, "items.jsonl")])
def test_every_format_ingests_the_same_table(tmp_path, ingest, workspace, writer, name):
    path = write_csv(tmp_path / name, ROWS) if writer is None else writer(tmp_path / name, typed_rows())
    report = ingest(path)
    assert (report.rows_read, report.inserted, report.updated, report.skipped) == (3, 3, 0, [])
    rows = table_rows(workspace)
    assert [row["item_id"] for row in rows] == ["a1", "a2", "a3"]
    for row in rows:
        assert {key: row[key] for key in EXPECTED[row["item_id"]]} == EXPECTED[row["item_id"]]
        assert json.loads(row["extra"]) == {"category": {"a1": "dress", "a2": "jeans", "a3": "boots"}[row["item_id"]]}
        assert (workspace.root / row["image_path"]).is_file()
    assert rows[0]["image_width"] == 40 and rows[0]["image_height"] == 30


def test_reingest_is_idempotent(ingest, workspace, catalog_csv):
    ingest(catalog_csv)
    before, version = table_rows(workspace), open_items_table(workspace).version
    report = ingest(catalog_csv)
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 3)
    assert table_rows(workspace) == before
    assert open_items_table(workspace).version == version  # nothing rewritten
    assert open_items_table(workspace).count_rows() == 3


def test_update_changes_a_title_and_adds_a_row(tmp_path, ingest, workspace, catalog_csv):
    ingest(catalog_csv)
    changed = [dict(ROWS[0], title="Crimson dress"), dict(ROWS[1], item_id="a4")]
    report = ingest(write_csv(tmp_path / "update.csv", changed))
    assert (report.inserted, report.updated, report.unchanged) == (1, 1, 0)
    rows = {row["item_id"]: row for row in table_rows(workspace)}
    assert rows["a1"]["title"] == "Crimson dress"
    assert sorted(rows) == ["a1", "a2", "a3", "a4"]  # upsert: rows not in the file stay


@pytest.mark.parametrize(
    "name, content, needle",
    [
        ("bad.csv", "id,picture\nx,y.jpg\n", "lacks the required column"),
        ("bad.csv", "", "0 bytes"),
        ("bad.csv", "item_id,image_path\n", "header but no rows"),
        ("bad.xlsx", "whatever", "not supported"),
    ],
)
def test_bad_file_after_a_good_ingest_leaves_the_table_unchanged(tmp_path, ingest, workspace, catalog_csv,
                                                                name, content, needle):
    ingest(catalog_csv)
    before, version = table_rows(workspace), open_items_table(workspace).version
    reports = sorted(workspace.runs_dir.iterdir())
    bad = tmp_path / name
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(CatalogError, match=needle):
        ingest(bad)
    assert table_rows(workspace) == before and open_items_table(workspace).version == version
    assert sorted(workspace.runs_dir.iterdir()) == reports


def test_file_level_error_writes_nothing(tmp_path, ingest, workspace):
    bad = write_csv(tmp_path / "bad.csv", [{"id": "x", "picture": "red.jpg"}])
    with pytest.raises(CatalogError) as caught:
        ingest(bad)
    assert "['id', 'picture']" in str(caught.value) and "image_path (or image)" in str(caught.value)
    assert not workspace.root.exists()


def test_missing_images_folder(tmp_path, workspace, catalog_csv):
    with pytest.raises(CatalogError, match="images folder"):
        ingest_catalog(workspace, tmp_path / "nope", catalog_csv, progress=False)
    assert not workspace.root.exists()


def test_bad_rows_are_skipped_and_reported_the_rest_ingested(tmp_path, ingest, workspace, images_dir):
    (images_dir / "notes.jpg").write_text("not a picture", encoding="utf-8")
    rows = [
        {"item_id": "ok", "image": "red.jpg", "price": "1"},
        {"item_id": "bad-image", "image": "notes.jpg", "price": ""},
        {"item_id": "ok", "image": "blue.png", "price": ""},  # duplicate of line 2
        {"item_id": "bad-price", "image": "red.jpg", "price": "$5"},
        {"item_id": "  ", "image": "red.jpg", "price": ""},
        {"item_id": "escape", "image": "../../etc/passwd", "price": ""},
        {"item_id": "no-image", "image": "", "price": ""},
        {"item_id": "ok2", "image": "blue.png", "price": "2"},
    ]
    report = ingest(write_csv(tmp_path / "m.csv", rows))
    assert [row["item_id"] for row in table_rows(workspace)] == ["ok", "ok2"]
    assert table_rows(workspace)[0]["image_width"] == 40  # the first "ok" won
    problems = {(p.row, p.item_id, p.column) for p in report.skipped}
    assert problems == {(3, "bad-image", "image"), (4, "ok", "item_id"), (5, "bad-price", "price"),
                        (6, None, "item_id"), (7, "escape", "image"), (8, "no-image", "image")}
    duplicate = next(p for p in report.skipped if p.row == 4)
    assert "row 2" in duplicate.problem and duplicate.fix
    assert (report.rows_read, report.inserted) == (8, 2)


def test_duplicate_item_id_first_row_wins(tmp_path, ingest, workspace):
    rows = [{"item_id": "dup", "image_path": "red.jpg", "title": "first"},
            {"item_id": "other", "image_path": "blue.png", "title": "x"},
            {"item_id": "dup", "image_path": "green.webp", "title": "second"},
            {"item_id": "dup\u200b", "image_path": "green.webp", "title": "third"}]  # the same id once cleaned
    report = ingest(write_csv(tmp_path / "m.csv", rows))
    assert {row["item_id"]: row["title"] for row in table_rows(workspace)} == {"dup": "first", "other": "x"}
    assert [(p.row, p.item_id, p.column) for p in report.skipped] == [(4, "dup", "item_id"), (5, "dup", "item_id")]
    assert all("already appeared on row 2" in p.problem for p in report.skipped)


def test_bad_kind_is_reported(tmp_path, ingest):
    report = ingest(write_csv(tmp_path / "m.csv", [{"item_id": "a", "image_path": "red.jpg", "kind": "outfit"}]))
    assert report.inserted == 0 and report.skipped[0].column == "kind"


def test_non_utf8_csv_row_is_skipped_others_ingested(tmp_path, ingest, workspace):
    path = tmp_path / "m.csv"
    path.write_bytes(b"item_id,image_path,title\na,red.jpg,ok\nb,blue.png,caf\xe9\nc,green.webp,fine\n")
    report = ingest(path)
    assert [row["item_id"] for row in table_rows(workspace)] == ["a", "c"]
    assert [(p.row, p.item_id) for p in report.skipped] == [(3, None)]
    assert "UTF-8" in report.skipped[0].fix


def test_non_utf8_and_malformed_jsonl_lines_are_skipped_others_ingested(tmp_path, ingest, workspace):
    path = tmp_path / "m.jsonl"
    path.write_bytes(b'{"item_id": "a", "image_path": "red.jpg"}\n'
                     b'{"item_id": "b", "image_path": "blue.png", "title": "\xff"}\n'
                     b'{"item_id": "c", "image_path": \n'
                     b'{"item_id": "d", "image_path": "green.webp"}\n')
    report = ingest(path)
    assert [row["item_id"] for row in table_rows(workspace)] == ["a", "d"]
    assert [p.row for p in report.skipped] == [2, 3]
    assert "not UTF-8" in report.skipped[0].problem and "not valid JSON" in report.skipped[1].problem


def test_odd_unicode_is_cleaned(tmp_path, ingest, workspace):
    rows = [{"item_id": "u\u200b1", "image_path": "red.jpg",
             "title": "Cafe\u0301 \u202edress\u202c 👗\x07", "description": "line\r\nnext\x00", "tags": "e\u0301t\u00e9|🌸",
             "note": "\u2066ext\u2069"}]
    ingest(write_csv(tmp_path / "m.csv", rows))
    row = table_rows(workspace)[0]
    assert row["item_id"] == "u1"
    assert row["title"] == "Caf\u00e9 dress 👗"
    assert row["description"] == "line\nnext"
    assert row["tags"] == ["\u00e9t\u00e9", "🌸"]
    assert json.loads(row["extra"]) == {"note": "ext"}


def test_unknown_columns_land_in_extra(tmp_path, ingest, workspace):
    rows = [{"item_id": "s1", "image_path": "red.jpg", "kind": "scene", "objects": ["hat", "bag"],
             "color": "red", "pattern": None, "score": 0.5, "meta": {"k": [1, 2]}}]
    ingest(write_jsonl(tmp_path / "m.jsonl", rows))
    row = table_rows(workspace)[0]
    assert row["kind"] == "scene"
    assert json.loads(row["extra"]) == {"objects": ["hat", "bag"], "color": "red", "pattern": None, "score": 0.5,
                                        "meta": {"k": [1, 2]}}


def test_report_json_is_written(ingest, workspace, catalog_csv, tmp_path):
    report = ingest(write_csv(tmp_path / "m.csv", ROWS + [dict(ROWS[0])]))
    path = Path(report.report_path)
    assert path.parent == workspace.runs_dir and path.name.startswith("ingest-") and path.name.endswith("Z.json")
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved == report.to_dict()
    assert saved["inserted"] == 3 and saved["skipped"][0]["row"] == 5 and saved["error"] is None
    assert "3 inserted" in report.summary() and "row 5" in report.summary()


def test_two_reports_in_the_same_second_do_not_collide(ingest, workspace, catalog_csv):
    first, second = ingest(catalog_csv), ingest(catalog_csv)
    assert first.report_path != second.report_path
    assert len(list(workspace.runs_dir.glob("ingest-*.json"))) == 2


def test_a_failing_later_batch_keeps_earlier_batches(ingest, workspace, catalog_csv, monkeypatch):
    real_upsert, calls = ingest_module._upsert, []

    def upsert_then_fail(table, records):
        calls.append(records)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_upsert(table, records)

    monkeypatch.setattr(ingest_module, "_upsert", upsert_then_fail)
    with pytest.raises(OSError, match="disk full"):
        ingest(catalog_csv, batch_size=1)
    assert [row["item_id"] for row in table_rows(workspace)] == ["a1"]
    (report,) = [json.loads(p.read_text()) for p in workspace.runs_dir.glob("ingest-*.json")]
    assert report["inserted"] == 1 and "disk full" in report["error"]


def test_batches_give_the_same_table_as_one_batch(tmp_path, images_dir, catalog_csv):
    from engine.workspace import Workspace

    one, many = Workspace(tmp_path / "one"), Workspace(tmp_path / "many")
    ingest_catalog(one, images_dir, catalog_csv, progress=False)
    ingest_catalog(many, images_dir, catalog_csv, batch_size=1, progress=False)
    assert table_rows(one) == table_rows(many)


def test_pillow_bomb_warning_refuses_during_ingest(tmp_path, ingest, workspace, images_dir):
    from .conftest import png_header_only

    png_header_only(images_dir / "warned.png", 10_000, 10_000)  # 100 Mpx: Pillow warns, no error
    rows = [{"item_id": "w", "image_path": "warned.png"}, {"item_id": "ok", "image_path": "red.jpg"}]
    report = ingest(write_csv(tmp_path / "m.csv", rows), max_pixels=200_000_000)
    assert [p.item_id for p in report.skipped] == ["w"] and "too many pixels" in report.skipped[0].problem
    assert report.inserted == 1


def test_worker_count_does_not_change_the_outcome(tmp_path, images_dir):
    from engine.workspace import Workspace

    (images_dir / "notes.jpg").write_text("not a picture", encoding="utf-8")
    rows = [{"item_id": f"i{index:02d}", "image_path": name}
            for index, name in enumerate(["red.jpg", "notes.jpg", "blue.png", "green.webp", "shoes/black.jpg"] * 4)]
    metadata = write_csv(tmp_path / "m.csv", rows)
    one = ingest_catalog(Workspace(tmp_path / "one"), images_dir, metadata, workers=1, batch_size=7, progress=False)
    four = ingest_catalog(Workspace(tmp_path / "four"), images_dir, metadata, workers=4, batch_size=7, progress=False)
    assert one.skipped == four.skipped and [p.row for p in one.skipped] == [3, 8, 13, 18]  # every 5th row, from line 3
    assert table_rows(Workspace(tmp_path / "one")) == table_rows(Workspace(tmp_path / "four"))


@pytest.mark.parametrize("option", ["max_pixels", "max_file_bytes", "batch_size", "workers"])
def test_options_must_be_positive(ingest, catalog_csv, option):
    with pytest.raises(ValueError, match=option):
        ingest(catalog_csv, **{option: 0})


def test_progress_bar_goes_to_stderr(workspace, images_dir, catalog_csv, capsys):
    ingest_catalog(workspace, images_dir, catalog_csv, progress=True)
    captured = capsys.readouterr()
    assert "3/3" in captured.err and captured.out == ""
