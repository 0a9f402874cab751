"""Raters: registering them, reading them back, checking their credentials."""

from __future__ import annotations

from datetime import datetime

import duckdb

from labels.auth import hash_password, verify_password
from labels.errors import ConflictError, UnknownNameError, name_list
from labels.records import ROLES, Rater

_COLUMNS = "rater_id, name, role, simulated, created_at"


def _check_text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a non-empty string, got {value!r}")
    return value


def insert_rater(
    con: duckdb.DuckDBPyConnection,
    rater_id: str,
    name: str,
    *,
    role: str,
    password: str | None,
    simulated: bool,
    exist_ok: bool,
    now: datetime,
) -> Rater:
    """Add a rater; with exist_ok an identical existing rater is returned instead of an error."""
    _check_text(rater_id, "a rater id")
    _check_text(name, "a rater name")
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r} for rater {rater_id!r}; roles are {', '.join(ROLES)}")
    existing = select_rater(con, rater_id)
    if existing is not None:
        same = (existing.name, existing.role, existing.simulated) == (name, role, bool(simulated))
        if exist_ok and same:
            return existing
        raise ConflictError(
            f"rater id {rater_id!r} already exists (name {existing.name!r}, role {existing.role}, "
            f"simulated {existing.simulated}); choose another id"
            + ("" if exist_ok else ", or pass exist_ok=True to reuse an identical rater")
        )
    credential = hash_password(password) if password is not None else None
    con.execute(
        "INSERT INTO raters (rater_id, name, role, credential_hash, simulated, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        [rater_id, name, role, credential, bool(simulated), now],
    )
    return Rater(rater_id, name, role, bool(simulated), now)


def select_rater(con: duckdb.DuckDBPyConnection, rater_id: str) -> Rater | None:
    """The rater with this id, or None."""
    row = con.execute(f"SELECT {_COLUMNS} FROM raters WHERE rater_id = ?", [rater_id]).fetchone()
    return Rater(*row) if row else None


def select_raters(con: duckdb.DuckDBPyConnection) -> list[Rater]:
    """Every rater, by id."""
    return [Rater(*row) for row in con.execute(f"SELECT {_COLUMNS} FROM raters ORDER BY rater_id").fetchall()]


def require_rater(con: duckdb.DuckDBPyConnection, rater_id: object) -> Rater:
    """The rater with this id, or an error naming it and the known ids."""
    rater = select_rater(con, rater_id) if isinstance(rater_id, str) else None
    if rater is None:
        known = [r[0] for r in con.execute("SELECT rater_id FROM raters ORDER BY rater_id").fetchall()]
        raise UnknownNameError(
            f"unknown rater id {rater_id!r}; known rater ids are {name_list(known)}. Register raters with add_rater(...)"
        )
    return rater


def check_credentials(con: duckdb.DuckDBPyConnection, rater_id: str, password: str) -> bool:
    """Whether the rater exists, has a credential, and `password` matches it."""
    row = con.execute("SELECT credential_hash FROM raters WHERE rater_id = ?", [rater_id]).fetchone()
    return bool(row) and verify_password(password, row[0])
