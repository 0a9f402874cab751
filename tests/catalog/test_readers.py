"""Reading CSV, JSONL and Parquet: row numbers as the user sees them, bad rows flagged, bad files refused."""

import pytest

from engine.catalog import CatalogError
from engine.catalog.readers import read_metadata

from .conftest import write_parquet


def test_csv_rows_are_numbered_by_file_line_with_header_as_line_1(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text('item_id,image_path,description\na,a.jpg,"two\nlines"\n\nb,b.jpg,x\n,,\n', encoding="utf-8")
    metadata = read_metadata(path)
    assert metadata.columns == ["item_id", "image_path", "description"]
    # "a" spans lines 2-3, line 4 is blank, "b" is on line 5, line 6 holds only commas.
    assert [(row.row, row.values["item_id"]) for row in metadata.rows] == [(2, "a"), (5, "b")]
    assert metadata.rows[0].values["description"] == "two\nlines"


def test_csv_with_bom_and_empty_cells(tmp_path):
    path = tmp_path / "m.csv"
    path.write_bytes("\ufeffitem_id,image_path,title\na,a.jpg,\n".encode("utf-8"))
    metadata = read_metadata(path)
    assert metadata.columns[0] == "item_id"  # not "\ufeffitem_id"
    assert metadata.rows[0].values == {"item_id": "a", "image_path": "a.jpg", "title": None}


def test_csv_non_utf8_row_is_flagged_and_the_others_read(tmp_path):
    path = tmp_path / "m.csv"
    path.write_bytes(b"item_id,image_path,title\na,a.jpg,ok\nb,b.jpg,caf\xe9 latin-1\nc,c.jpg,fine\n")
    rows = read_metadata(path).rows
    assert [row.row for row in rows] == [2, 3, 4]
    assert rows[1].values is None and "not UTF-8" in rows[1].problem.problem
    assert "UTF-8" in rows[1].problem.fix
    assert rows[2].values["title"] == "fine"


def test_csv_row_with_too_many_fields_is_flagged(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("item_id,image_path\na,a.jpg,red, blue\nb,b.jpg\n", encoding="utf-8")
    rows = read_metadata(path).rows
    assert "4 fields" in rows[0].problem.problem and "quotes" in rows[0].problem.fix
    assert rows[1].values == {"item_id": "b", "image_path": "b.jpg"}


def test_semicolon_csv_gets_a_hint(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("item_id;image_path\na;a.jpg\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="comma-separated"):
        read_metadata(path)


def test_jsonl_lines_bad_utf8_and_malformed_json_are_row_problems(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_bytes(
        b'\xef\xbb\xbf{"item_id": "a", "image_path": "a.jpg"}\n'
        b'{"item_id": "b", "title": "caf\xe9"}\n'
        b"\n"
        b'{"item_id": "c", "image_path": \n'
        b"[1, 2]\n"
        b'{"item_id": "d", "image_path": "d.jpg", "objects": ["hat", "bag"]}\n'
    )
    metadata = read_metadata(path)
    assert metadata.columns == ["item_id", "image_path", "objects"]
    by_line = {row.row: row for row in metadata.rows}
    assert sorted(by_line) == [1, 2, 4, 5, 6]
    assert by_line[1].values["item_id"] == "a"
    assert "not UTF-8" in by_line[2].problem.problem
    assert "not valid JSON" in by_line[4].problem.problem
    assert "not an object" in by_line[5].problem.problem
    assert by_line[6].values["objects"] == ["hat", "bag"]


def test_jsonl_surrogate_escape_is_a_row_problem(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text('{"item_id": "a", "title": "\\udc80"}\n{"item_id": "b"}\n', encoding="utf-8")
    rows = read_metadata(path).rows
    assert rows[0].problem is not None and rows[1].values == {"item_id": "b"}


def test_parquet_rows_are_numbered_from_1(tmp_path):
    path = write_parquet(tmp_path / "m.parquet", [{"item_id": "a", "image_path": "a.jpg", "tags": ["x"]},
                                                   {"item_id": "b", "image_path": "b.jpg", "tags": None}])
    metadata = read_metadata(path)
    assert [(row.row, row.values["item_id"]) for row in metadata.rows] == [(1, "a"), (2, "b")]
    assert metadata.rows[0].values["tags"] == ["x"]


@pytest.mark.parametrize("name", ["m.csv", "m.jsonl", "m.parquet", "m.ndjson"])
def test_zero_byte_file_is_refused(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(CatalogError, match="empty \\(0 bytes\\)"):
        read_metadata(path)


def test_header_only_csv_is_refused(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("item_id,image_path\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="header but no rows"):
        read_metadata(path)


def test_blank_lines_only_jsonl_is_refused(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text("\n\n  \n", encoding="utf-8")
    with pytest.raises(CatalogError, match="no rows"):
        read_metadata(path)


def test_empty_parquet_is_refused(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "m.parquet"
    pq.write_table(pa.table({"item_id": pa.array([], pa.string()), "image_path": pa.array([], pa.string())}), path)
    with pytest.raises(CatalogError, match="no rows"):
        read_metadata(path)


def test_jsonl_where_no_line_is_json_is_refused(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text("not json\nnor this\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="none of the 2 rows"):
        read_metadata(path)


def test_unsupported_extension_lists_supported(tmp_path):
    path = tmp_path / "m.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(CatalogError) as caught:
        read_metadata(path)
    assert all(ext in str(caught.value) for ext in (".csv", ".parquet", ".jsonl", ".ndjson"))


def test_missing_file(tmp_path):
    with pytest.raises(CatalogError, match="does not exist"):
        read_metadata(tmp_path / "nope.csv")


def test_not_parquet_content(tmp_path):
    path = tmp_path / "m.parquet"
    path.write_text("item_id,image_path\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="not a readable Parquet"):
        read_metadata(path)
