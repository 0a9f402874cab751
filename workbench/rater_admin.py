"""Managing raters from the Admin page: the table, role changes, secret resets and removals, with their guards.

An admin may not demote or remove their own account: with no other admin able to sign in, nobody could undo it.
"""

from __future__ import annotations

from labels import Rater
from workbench.access import ROLES, check_secret


def rater_rows(store) -> list[dict]:
    """One row per rater for the Admin table, removed ones included (their judgments stay)."""
    removed = store.removed_raters()
    return [{"id": r.rater_id, "name": r.name, "role": r.role, "simulated": r.simulated,
             "removed": r.rater_id in removed, "created (UTC)": r.created_at} for r in store.raters()]


def manageable_ids(store) -> list[str]:
    """Raters whose role or secret can still change, or who can be removed: every rater not removed, by id."""
    removed = store.removed_raters()
    return [r.rater_id for r in store.raters() if r.rater_id not in removed]


def _check_active(store, rater_id: str) -> None:
    if rater_id in store.removed_raters():
        raise ValueError(f"rater {rater_id!r} was removed; add them again under a new id to give them access")


def change_role(store, admin: Rater, rater_id: str, role: str) -> Rater:
    """Give a rater another role; an admin cannot take the admin role from themselves."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    if rater_id == admin.rater_id and role != "admin":
        raise ValueError(f"you are signed in as {rater_id!r}: another admin must change your own role, "
                         "so that the workbench never loses its last admin")
    _check_active(store, rater_id)
    return store.set_rater_role(rater_id, role)


def reset_secret(store, rater_id: str, secret: str) -> Rater:
    """Give a rater a new secret (checked like a new rater's); their old one stops working at once."""
    _check_active(store, rater_id)
    return store.reset_rater_secret(rater_id, check_secret(secret))


def remove(store, admin: Rater, rater_id: str) -> Rater:
    """Stop a rater signing in and getting tasks (their judgments stay); an admin cannot remove themselves."""
    if rater_id == admin.rater_id:
        raise ValueError(f"you are signed in as {rater_id!r}: another admin must remove your account")
    return store.remove_rater(rater_id)
