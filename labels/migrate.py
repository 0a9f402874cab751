"""Versioned schema migrations: `labels/migrations/NNNN_name.sql` or `NNNN_name.py` (with `migrate(con)`), applied in order."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from labels.clock import utc_now
from labels.errors import SchemaVersionError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.(sql|py)$")


@dataclass(frozen=True)
class Migration:
    """One schema step; `version` orders them and is recorded in `schema_migrations` once applied."""

    version: int
    name: str
    path: Path


def available_migrations(folder: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migrations shipped with this code, in version order; duplicate versions are an error."""
    found: dict[int, Migration] = {}
    for path in sorted(folder.iterdir()):
        match = _NAME.match(path.name)
        if not match:
            continue
        version = int(match.group(1))
        if version in found:
            raise RuntimeError(f"two migrations share version {version}: {found[version].path.name} and {path.name}")
        found[version] = Migration(version, match.group(2), path)
    return [found[v] for v in sorted(found)]


def _create_bookkeeping(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )


def applied_versions(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Versions recorded in `schema_migrations`; [] when the table does not exist yet."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()[0]
    if not exists:
        return []
    return [row[0] for row in con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()]


def pending_migrations(con: duckdb.DuckDBPyConnection, where: str) -> list[Migration]:
    """Shipped migrations not yet applied; raises if the database was made by newer code."""
    shipped = available_migrations()
    applied = applied_versions(con)
    unknown = sorted(set(applied) - {m.version for m in shipped})
    if unknown:
        raise SchemaVersionError(
            f"the judgment store {where} has schema versions {unknown} that this code does not know "
            f"(it knows up to {shipped[-1].version}); it was written by a newer workbench: upgrade the workbench"
        )
    return [m for m in shipped if m.version not in set(applied)]


def _run(con: duckdb.DuckDBPyConnection, migration: Migration) -> None:
    if migration.path.suffix == ".sql":
        con.execute(migration.path.read_text(encoding="utf-8"))
    else:
        module = importlib.import_module(f"labels.migrations.{migration.path.stem}")
        module.migrate(con)


def apply_migrations(con: duckdb.DuckDBPyConnection, where: str) -> list[Migration]:
    """Apply every pending migration, each in its own transaction with its `schema_migrations` row."""
    _create_bookkeeping(con)
    done = []
    for migration in pending_migrations(con, where):
        con.execute("BEGIN TRANSACTION")
        try:
            _run(con, migration)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)", [migration.version, migration.name, utc_now()]
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        done.append(migration)
    return done


def check_schema_current(con: duckdb.DuckDBPyConnection, where: str) -> None:
    """For read-only opens: raise unless every shipped migration has been applied."""
    pending = pending_migrations(con, where)
    if pending:
        raise SchemaVersionError(
            f"the judgment store {where} is at an older schema (missing migrations "
            f"{', '.join(f'{m.version:04d}_{m.name}' for m in pending)}) and a read-only open cannot upgrade it; "
            "open it writable once (for example by running `workbench app`, or open_store(path)) and try again"
        )
