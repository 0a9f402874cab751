"""The items table: schema, opening, and what an update does to columns later stages add."""

import pyarrow as pa
import pytest

from engine.index import ITEMS_SCHEMA, ItemsTableMissingError, count_items, items_table_exists, open_items_table

from .conftest import ROWS, write_csv


def test_missing_table_error_names_workspace_and_commands(workspace):
    with pytest.raises(ItemsTableMissingError) as caught:
        open_items_table(workspace, create=False)
    message = str(caught.value)
    assert str(workspace.root) in message and "workbench ingest" in message and "workbench demo" in message
    assert not workspace.root.exists()  # looking did not create anything


def test_create_makes_an_empty_table_with_the_schema(workspace):
    table = open_items_table(workspace, create=True)
    assert table.schema == ITEMS_SCHEMA and table.count_rows() == 0
    assert items_table_exists(workspace)
    assert open_items_table(workspace).schema == ITEMS_SCHEMA


def test_schema_types():
    assert ITEMS_SCHEMA.field("item_id").nullable is False
    assert ITEMS_SCHEMA.field("tags").type == pa.list_(pa.string())
    assert ITEMS_SCHEMA.field("image_width").type == pa.int32()
    assert ITEMS_SCHEMA.field("price").type == pa.float64()


def test_update_nulls_derived_columns_of_changed_rows_only(tmp_path, ingest, workspace, catalog_csv):
    ingest(catalog_csv)
    table = open_items_table(workspace)
    # Stands in for a vector column added by `workbench index`; such columns must be nullable so that
    # new items can be inserted before they are embedded.
    table.add_columns(pa.field("embedding_done", pa.int32()))
    table.update(values={"embedding_done": 1})
    ingest(write_csv(tmp_path / "update.csv", [dict(ROWS[0], title="New title"), ROWS[1]]))
    rows = {row["item_id"]: row for row in open_items_table(workspace).to_arrow().to_pylist()}
    assert rows["a1"]["title"] == "New title" and rows["a1"]["embedding_done"] is None  # stale: recompute
    assert rows["a2"]["embedding_done"] == 1 and rows["a3"]["embedding_done"] == 1  # unchanged: kept


def test_count_items_is_zero_without_a_table_and_creates_nothing(workspace):
    assert count_items(workspace) == 0
    assert not workspace.root.exists()


def test_count_items_after_ingest(ingest, workspace, catalog_csv):
    ingest(catalog_csv)
    assert count_items(workspace) == 3
