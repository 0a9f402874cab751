"""The metadata column table is complete, matches the items schema, and resolves headers."""

import pytest

from engine.catalog import METADATA_COLUMNS, CatalogError, columns_markdown
from engine.catalog.columns import REQUIRED_COLUMNS, resolve_columns
from engine.catalog.rows import CatalogRow
from engine.index import ITEMS_SCHEMA

# Columns the ingest derives itself rather than reading from the user's file.
DERIVED = {"image_sha256", "image_width", "image_height", "extra"}


def test_every_schema_column_from_the_user_is_documented():
    documented = {column.name for column in METADATA_COLUMNS}
    assert set(ITEMS_SCHEMA.names) - DERIVED == documented


def test_every_parsed_field_is_documented():
    documented = {column.name for column in METADATA_COLUMNS}
    assert set(CatalogRow.__dataclass_fields__) - {"extra"} == documented


def test_every_column_has_type_and_help():
    for column in METADATA_COLUMNS:
        assert column.type and len(column.help) > 10, column.name


def test_required_columns():
    assert REQUIRED_COLUMNS == ("item_id", "image_path")


def test_markdown_lists_every_column_and_the_alias():
    text = columns_markdown()
    for column in METADATA_COLUMNS:
        assert f"`{column.name}`" in text
    assert "`image`" in text and "extra" in text


def test_alias_image_resolves_to_image_path():
    assert resolve_columns(["item_id", "image", "color"], "f.csv") == {"item_id": "item_id", "image_path": "image"}


def test_missing_required_column_names_found_and_required():
    with pytest.raises(CatalogError) as caught:
        resolve_columns(["id", "picture", "title"], "f.csv")
    message = str(caught.value)
    assert "item_id" in message and "image_path" in message and "'picture'" in message and "(or image)" in message


def test_both_image_path_and_alias_is_ambiguous():
    with pytest.raises(CatalogError, match="same thing"):
        resolve_columns(["item_id", "image_path", "image"], "f.csv")
