"""Item attributes from a real LanceDB items table: tagged_attributes first, else the attributes column."""

from __future__ import annotations

import pytest

from engine.collections import CollectionsError, item_attributes, read_search_queries
from engine.workspace import Workspace
from tests.collections.fixtures import item_attribute_list, make_workspace, write_search_log


def key(attrs):
    return sorted((a.item_id, a.family, a.value, a.confidence) for a in attrs)


def test_the_attributes_column_is_read_with_confidence_one(tmp_path):
    loaded = item_attributes(make_workspace(tmp_path, "attributes"))
    assert (loaded.source, loaded.items) == ("attributes", 12)
    expected = [(i, f, v, 1.0) for i, f, v, _ in key(item_attribute_list())]
    assert key(loaded.attributes) == expected


def test_the_tagged_column_wins_and_keeps_confidences(tmp_path):
    loaded = item_attributes(make_workspace(tmp_path, "tagged_attributes"))
    assert loaded.source == "tagged_attributes"
    assert key(loaded.attributes) == key(item_attribute_list())
    assert ("i10", "color", "yellow", 0.6) in key(loaded.attributes)


def test_scene_photos_are_left_out(tmp_path):
    loaded = item_attributes(make_workspace(tmp_path, "tagged_attributes", scenes=("i01", "i02")))
    assert (loaded.items, loaded.scenes) == (12, 2)
    assert key(loaded.attributes) == [k for k in key(item_attribute_list()) if k[0] not in ("i01", "i02")]
    with pytest.raises(CollectionsError, match="12 of them scene photos"):
        item_attributes(make_workspace(tmp_path / "all", "tagged_attributes", scenes=tuple(f"i{n:02d}" for n in range(1, 13))))


def test_missing_table_and_missing_columns_name_the_command_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="workbench ingest"):
        item_attributes(Workspace(tmp_path / "empty"))
    with pytest.raises(CollectionsError, match="workbench index"):
        item_attributes(make_workspace(tmp_path / "bare", None))


def test_search_log_queries_and_a_bad_log_folder(tmp_path):
    folder = write_search_log(tmp_path / "log")
    queries = read_search_queries(folder)
    assert len(queries) == 12 and queries.count("yellow dress") == 3
    with pytest.raises(FileNotFoundError, match="searches.parquet"):
        read_search_queries(tmp_path / "nowhere")
    import pyarrow as pa
    import pyarrow.parquet as pq

    (tmp_path / "bad").mkdir()
    pq.write_table(pa.table({"text": ["x"]}), tmp_path / "bad" / "searches.parquet")
    with pytest.raises(CollectionsError, match="no 'query' column"):
        read_search_queries(tmp_path / "bad")
