"""Schema migrations: applied once, in order, on writable opens; read-only opens refuse old or newer schemas."""

from __future__ import annotations

import duckdb
import pytest

from labels import SchemaVersionError, open_store
from labels.migrate import MIGRATIONS_DIR, available_migrations


def versions(path) -> list[tuple[int, str]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    finally:
        con.close()


def test_shipped_migrations_are_numbered_in_order():
    shipped = available_migrations()
    assert [(m.version, m.name) for m in shipped][:2] == [(1, "schema"), (2, "guidelines")]
    assert [m.version for m in shipped] == list(range(1, len(shipped) + 1))
    assert all(m.path.parent == MIGRATIONS_DIR for m in shipped)


def test_a_new_store_is_migrated_once(tmp_path):
    path = tmp_path / "judgments.duckdb"
    open_store(path).close()
    expected = [(m.version, m.name) for m in available_migrations()]
    assert versions(path) == expected
    with open_store(path) as store:  # reopening applies nothing twice
        assert store.count_rows("schema_migrations") == len(expected)
        assert store.count_rows("guidelines") == 2
    with open_store(path, read_only=True) as store:
        assert store.read_only and not store.is_snapshot
        assert store.count_rows("schema_migrations") == len(expected)


def rewind_to_version_1(path) -> None:
    """Make the file look as if written by code that knew only migration 1."""
    con = duckdb.connect(str(path))
    con.execute("DELETE FROM schema_migrations WHERE version > 1")
    con.execute("DELETE FROM guidelines")
    con.close()


def test_read_only_open_of_an_older_schema_asks_for_a_writable_open(tmp_path):
    path = tmp_path / "judgments.duckdb"
    open_store(path).close()
    rewind_to_version_1(path)
    with pytest.raises(SchemaVersionError, match=r"older schema \(missing migrations 0002_guidelines[,)].*open it writable once.*workbench app"):
        open_store(path, read_only=True)
    with open_store(path) as store:  # the writable open upgrades it
        assert "Precision@10" in store.guideline("binary")
    assert [v for v, _ in versions(path)] == [m.version for m in available_migrations()]


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "judgments.duckdb"
    open_store(path).close()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_migrations VALUES (999, 'from_the_future', now()::TIMESTAMP)")
    con.close()
    for read_only in (False, True):
        with pytest.raises(SchemaVersionError, match=r"schema versions \[999\] that this code does not know.*upgrade the workbench"):
            open_store(path, read_only=read_only)


def test_a_file_that_is_not_duckdb_is_a_clear_error(tmp_path):
    path = tmp_path / "judgments.duckdb"
    path.write_text("not a database")
    with pytest.raises(ValueError, match=r"cannot open the judgment store .*judgments\.duckdb"):
        open_store(path)


def test_read_only_open_in_a_process_that_writes_shares_the_database(tmp_path):
    path = tmp_path / "judgments.duckdb"
    with open_store(path) as writer:
        writer.add_rater("r1", "R1")
        with open_store(path, read_only=True) as reader:
            assert [r.rater_id for r in reader.raters()] == ["r1"]
            with pytest.raises(PermissionError, match="read-only"):
                reader.add_rater("r2", "R2")
