"""sql_literal and in_list against hostile input, checked on a small LanceDB table in tmp_path."""

from __future__ import annotations

import pytest

from engine.query import SqlLiteralError, check_column, in_list, sql_literal

HOSTILE = ["'; DROP TABLE items; --", "O'Brien", "''", "\\'", "a' OR '1'='1", "日本語 ☃", '"quoted"', "%_*"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("red", "'red'"), ("", "''"), ("O'Brien", "'O''Brien'"), ("'; DROP TABLE items; --", "'''; DROP TABLE items; --'"),
     ("''", "''''''"), ("\\", "'\\'")],
)
def test_sql_literal(value, expected):
    assert sql_literal(value) == expected


@pytest.mark.parametrize(("value", "message"), [("a\x00b", "NUL byte at position 1"), ("a\nb", "control character"),
                                                 ("\x1b", "control character"), ("\ud800", "lone surrogate"),
                                                 (3, "must be a str"), (None, "must be a str")])
def test_sql_literal_refuses(value, message):
    with pytest.raises(SqlLiteralError, match=message):
        sql_literal(value)


def test_in_list():
    assert in_list("color", ["red", "blue", "red"]) == "color IN ('red', 'blue')"
    assert in_list("item_id", ("it's",)) == "item_id IN ('it''s')"


@pytest.mark.parametrize("column", ["color; DROP TABLE items", "1abc", "a b", "a-b", "", "col'", 'c"', None, "ä"])
def test_in_list_refuses_bad_columns(column):
    with pytest.raises(SqlLiteralError, match="not a plain identifier"):
        in_list(column, ["red"])


def test_in_list_refuses_empty_and_bare_strings():
    with pytest.raises(SqlLiteralError, match="not valid SQL"):
        in_list("color", [])
    with pytest.raises(SqlLiteralError, match="wrap it in a list"):
        in_list("color", "red")
    assert check_column("_x9") == "_x9"


def test_hostile_values_filter_exactly_in_lancedb(tmp_path):
    lancedb = pytest.importorskip("lancedb")
    db = lancedb.connect(tmp_path)
    rows = [{"item_id": f"i{i}", "color": v} for i, v in enumerate(HOSTILE)] + [{"item_id": "plain", "color": "red"}]
    table = db.create_table("items", data=rows)
    for i, value in enumerate(HOSTILE):
        hits = table.search().where(f"color = {sql_literal(value)}").to_list()
        assert [h["item_id"] for h in hits] == [f"i{i}"], value
    hits = table.search().where(in_list("color", HOSTILE[:2] + ["red"])).to_list()
    assert sorted(h["item_id"] for h in hits) == ["i0", "i1", "plain"]
    assert table.count_rows() == len(rows)  # nothing was dropped
