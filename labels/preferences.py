"""Blind side-by-side preferences: which of two configs' result lists a rater preferred for one query.

The rater sees the two lists unlabeled, in random left/right order (`blind_sides`); the store keeps the
config hashes behind each side, so the choice can be credited to a config afterwards (`preference_tally`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from labels.dataframes import query_frame
from labels.errors import UnknownNameError
from labels.judgments import check_seconds
from labels.queries import require_query, require_query_set
from labels.raters import require_rater
from labels.runs import next_id

CHOICES = ("left", "right", "tie")
PREFERENCE_COLUMNS = ("preference_id", "query_id", "query_type", "rater_id", "left_config_hash", "right_config_hash",
                      "choice", "preferred_config_hash", "seconds_spent", "judged_at")
TALLY_COLUMNS = ("config_hash", "comparisons", "wins", "losses", "ties", "win_rate")


@dataclass(frozen=True)
class Preference:
    """One blind side-by-side judgment."""

    preference_id: int
    query_id: str
    rater_id: str
    left_config_hash: str
    right_config_hash: str
    choice: str  # one of CHOICES
    seconds_spent: float
    judged_at: datetime  # UTC

    @property
    def preferred_config_hash(self) -> str | None:
        """The config hash of the preferred side; None for a tie."""
        return {"left": self.left_config_hash, "right": self.right_config_hash}.get(self.choice)


def blind_sides(config_a: str, config_b: str, rng: random.Random) -> tuple[str, str]:
    """(left, right): the two configs in a random order drawn from rng, so neither side reveals the config."""
    return (config_a, config_b) if rng.random() < 0.5 else (config_b, config_a)


def _check_hash(value: object, side: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{side}_config_hash must be a non-empty config hash (PipelineConfig.content_hash()), "
                         f"got {value!r}")
    return value


def insert_preference(
    con: duckdb.DuckDBPyConnection, query_id: str, rater_id: str, left_config_hash: str, right_config_hash: str,
    choice: str, *, seconds_spent: float, now: datetime,
) -> Preference:
    """Validate and append one preference in the caller's transaction; returns it with its id."""
    if choice not in CHOICES:
        raise ValueError(f"choice must be one of {', '.join(CHOICES)}, got {choice!r}")
    left, right = _check_hash(left_config_hash, "left"), _check_hash(right_config_hash, "right")
    if left == right:
        raise ValueError(f"the left and right configs have the same hash {left!r}; a side-by-side needs two "
                         "configs that search differently")
    seconds = check_seconds(seconds_spent)
    try:
        require_query(con, query_id)
    except UnknownNameError as exc:
        raise UnknownNameError(f"{exc}; a preference is about a stored query (send it to a query set first)") from None
    require_rater(con, rater_id)
    preference_id = next_id(con, "preferences", "preference_id")
    con.execute("INSERT INTO preferences VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [preference_id, query_id, rater_id, left, right, choice, seconds, now])
    return Preference(preference_id, query_id, rater_id, left, right, choice, seconds, now)


def preferences_frame(con: duckdb.DuckDBPyConnection, query_set: str | None = None) -> pd.DataFrame:
    """Every preference, oldest first (PREFERENCE_COLUMNS); preferred_config_hash is None for ties."""
    if query_set is not None:
        require_query_set(con, query_set)
    return query_frame(
        con,
        """
        SELECT p.preference_id, p.query_id, q.query_type, p.rater_id, p.left_config_hash, p.right_config_hash,
               p.choice,
               CASE p.choice WHEN 'left' THEN p.left_config_hash WHEN 'right' THEN p.right_config_hash END
                   AS preferred_config_hash,
               p.seconds_spent, p.judged_at
        FROM preferences p JOIN queries q USING (query_id)
        WHERE $query_set IS NULL OR q.query_set = $query_set
        ORDER BY p.preference_id
        """,
        {"query_set": query_set},
    )


def preference_tally(frame: pd.DataFrame) -> pd.DataFrame:
    """Per config hash: comparisons it took part in, wins, losses, ties and win rate (ties count half)."""
    rows = []
    hashes = sorted(set(frame["left_config_hash"]) | set(frame["right_config_hash"])) if len(frame) else []
    for config_hash in hashes:
        mine = frame[(frame["left_config_hash"] == config_hash) | (frame["right_config_hash"] == config_hash)]
        ties = int((mine["choice"] == "tie").sum())
        wins = int((mine["preferred_config_hash"] == config_hash).sum())
        losses = len(mine) - ties - wins
        rows.append((config_hash, len(mine), wins, losses, ties, (wins + ties / 2) / len(mine)))
    return pd.DataFrame(rows, columns=list(TALLY_COLUMNS))
