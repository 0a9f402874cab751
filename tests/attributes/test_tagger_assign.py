"""Assignment rule on a hand-made score table, and writing the JSON column into a real LanceDB table."""

import json

import numpy as np
import pytest

from engine.attributes.tagger_assign import TAGGED_COLUMN, assign_rows, read_tagged, write_tagged
from engine.index.store import open_items_table, read_columns
from tests.attributes.test_tagger_world import make_workspace, world

ATTRS = [("category", "dress"), ("category", "hat"), ("color", "red"), ("color", "blue"), ("color", "green")]


def test_assign_rows_thresholds_top_category_and_cap():
    scores = np.array([[0.2, 0.1, 0.9, 0.8, 0.7],   # nothing above the category threshold: its top value is kept
                       [0.6, 0.7, 0.1, 0.1, 0.1]])  # both categories pass; no colour does
    conf = scores / 2
    thresholds = [0.5, 0.5, 0.6, 0.6, 0.6]
    rows = assign_rows(scores, conf, thresholds, ATTRS, always_top_families=("category",), max_per_family=2)
    assert rows[0] == [("category", "dress", 0.1), ("color", "red", 0.45), ("color", "blue", 0.4)]
    assert rows[1] == [("category", "hat", 0.35), ("category", "dress", 0.3)]
    none_forced = assign_rows(scores, conf, thresholds, ATTRS, always_top_families=(), max_per_family=3)
    assert [f for f, _, _ in none_forced[0]] == ["color"] * 3


def test_assign_rows_rejects_misaligned_inputs():
    with pytest.raises(ValueError, match="do not line up"):
        assign_rows(np.zeros((1, 4)), np.zeros((1, 4)), [0.5] * 5, ATTRS)


def test_write_tagged_adds_the_column_and_rerun_replaces_it(tmp_path):
    rows, _ = world(n=6)
    workspace = make_workspace(tmp_path, rows)
    table = open_items_table(workspace)
    before = read_columns(table, ["item_id", "title", "attributes"]).to_pylist()
    ids = [r["item_id"] for r in rows]
    first = [[("color", "red", 0.9)] for _ in ids]
    assert write_tagged(table, ids, first) == 6
    assert TAGGED_COLUMN in table.schema.names
    assert read_tagged(table)["i000"] == [{"family": "color", "value": "red", "confidence": 0.9}]
    second = [[("category", "hat", 0.7), ("color", "blue", 0.6)] if i == "i001" else [] for i in ids]
    write_tagged(open_items_table(workspace), ids, second)
    table = open_items_table(workspace)
    tagged = read_tagged(table)
    assert tagged["i000"] == [] and [t["value"] for t in tagged["i001"]] == ["hat", "blue"]
    assert table.count_rows() == 6
    assert read_columns(table, ["item_id", "title", "attributes"]).to_pylist() == before  # other columns kept
    raw = read_columns(table, [TAGGED_COLUMN]).column(TAGGED_COLUMN).to_pylist()
    assert all(isinstance(json.loads(v), list) for v in raw)
