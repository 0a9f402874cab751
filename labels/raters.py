"""Raters: registering them, reading them back, checking their credentials."""

from __future__ import annotations

from datetime import datetime

import duckdb

from labels.auth import hash_password, verify_password
from labels.errors import ConflictError, RaterRemovedError, UnknownNameError, name_list
from labels.records import ROLES, Rater

_COLUMNS = "rater_id, name, role, simulated, created_at"


MAX_ID_CHARS = 64
MODEL_PREFIX = "model:"  # ids of model judges (labels.model_judgments): never a person's, never signed in


def _check_text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a non-empty string, got {value!r}")
    return value


def check_rater_id(value: object) -> str:
    """A rater id as it is stored and typed at sign-in: no spaces at the ends, printable, at most 64 characters."""
    _check_text(value, "a rater id")
    if value != value.strip():
        raise ValueError(f"rater id {value!r} has spaces at its ends, so nobody could sign in with it; "
                         f"use {value.strip()!r}")
    if not value.isprintable() or len(value) > MAX_ID_CHARS:
        raise ValueError(f"rater id {value[:80]!r} must be printable text of at most {MAX_ID_CHARS} characters "
                         "(no tabs, newlines or control characters); choose another id")
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
    check_rater_id(rater_id)
    if rater_id.startswith(MODEL_PREFIX):
        raise ValueError(f"rater id {rater_id!r} starts with {MODEL_PREFIX!r}, which is kept for model judges (their "
                         "labels are stored apart from people's); choose an id without that prefix")
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
    """Whether the rater exists, is not removed, has a credential, and `password` matches it (one hash either way)."""
    row = con.execute("SELECT credential_hash FROM raters WHERE rater_id = ? AND rater_id NOT IN "
                      "(SELECT rater_id FROM rater_removals)", [rater_id]).fetchone()
    return verify_password(password, row[0] if row else None)


def set_role(con: duckdb.DuckDBPyConnection, rater_id: str, role: str) -> Rater:
    """Change a rater's role (their judgments keep the role-free record they always had)."""
    rater = require_rater(con, rater_id)
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r} for rater {rater_id!r}; roles are {', '.join(ROLES)}")
    con.execute("UPDATE raters SET role = ? WHERE rater_id = ?", [role, rater.rater_id])
    return select_rater(con, rater.rater_id)


def set_secret(con: duckdb.DuckDBPyConnection, rater_id: str, password: str) -> Rater:
    """Replace a rater's secret (the old one stops working at once)."""
    rater = require_rater(con, rater_id)
    con.execute("UPDATE raters SET credential_hash = ? WHERE rater_id = ?", [hash_password(password), rater.rater_id])
    end_sessions(con, rater.rater_id)
    return rater


def remove_rater(con: duckdb.DuckDBPyConnection, rater_id: str, *, now: datetime) -> Rater:
    """Stop a rater signing in and getting tasks; every judgment they made stays. Removing twice is an error."""
    rater = require_rater(con, rater_id)
    if is_removed(con, rater.rater_id):
        raise ConflictError(f"rater {rater.rater_id!r} was already removed")
    con.execute("INSERT INTO rater_removals (rater_id, removed_at) VALUES (?, ?)", [rater.rater_id, now])
    con.execute("UPDATE raters SET credential_hash = NULL WHERE rater_id = ?", [rater.rater_id])
    end_sessions(con, rater.rater_id)
    return rater


def removed_error(rater_id: str) -> RaterRemovedError:
    """What a removed rater who asks for a task is told."""
    return RaterRemovedError(
        f"rater {rater_id!r} was removed by an admin and gets no more tasks (the judgments they made stay); "
        "an admin can add them again under a new id"
    )


def is_removed(con: duckdb.DuckDBPyConnection, rater_id: str) -> bool:
    return con.execute("SELECT 1 FROM rater_removals WHERE rater_id = ?", [rater_id]).fetchone() is not None


def removed_rater_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT rater_id FROM rater_removals").fetchall()}


def session_epoch(con: duckdb.DuckDBPyConnection, rater_id: str) -> int:
    """The rater's session epoch: tokens issued in an earlier one no longer sign anybody in (0 until first ended)."""
    row = con.execute("SELECT epoch FROM rater_sessions WHERE rater_id = ?", [rater_id]).fetchone()
    return int(row[0]) if row else 0


def end_sessions(con: duckdb.DuckDBPyConnection, rater_id: str) -> int:
    """Move the rater's session epoch on, so that every session token issued so far stops working; the new epoch."""
    epoch = session_epoch(con, rater_id) + 1
    con.execute("INSERT OR REPLACE INTO rater_sessions VALUES (?, ?)", [rater_id, epoch])
    return epoch


def session_rater(con: duckdb.DuckDBPyConnection, rater_id: str) -> tuple[Rater, int] | None:
    """The rater as stored now and their session epoch, or None when they cannot hold a session (unknown id,
    removed, or no secret to sign in with)."""
    row = con.execute(
        f"SELECT {_COLUMNS} FROM raters WHERE rater_id = ? AND credential_hash IS NOT NULL "
        "AND rater_id NOT IN (SELECT rater_id FROM rater_removals)", [rater_id]).fetchone()
    return (Rater(*row), session_epoch(con, rater_id)) if row else None
