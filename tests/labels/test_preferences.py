"""Blind side-by-side preferences: stored append-only, checked, read back as a frame and tallied per config."""

from __future__ import annotations

import random

import pytest

from labels import UnknownNameError
from labels.migrate import available_migrations
from labels.preferences import PREFERENCE_COLUMNS, TALLY_COLUMNS, blind_sides, preference_tally
from tests.labels.conftest import table_contents


def test_the_preferences_migration_is_shipped_after_the_schema(store):
    assert "preferences" in [m.name for m in available_migrations()]
    assert store.count_rows("preferences") == 0


def test_preferences_are_stored_and_read_back(seeded):
    first = seeded.record_preference("q1", "r1", "hash-A", "hash-B", "left", 3.5)
    seeded.record_preference("q1", "r2", "hash-B", "hash-A", "left", 2.0)
    seeded.record_preference("q2", "r1", "hash-A", "hash-B", "tie", 1.0)
    assert first.preference_id == 1 and first.preferred_config_hash == "hash-A"
    frame = seeded.preferences_frame()
    assert tuple(frame.columns) == PREFERENCE_COLUMNS
    assert frame["preference_id"].tolist() == [1, 2, 3]
    assert frame["preferred_config_hash"].tolist()[:2] == ["hash-A", "hash-B"]
    assert frame["preferred_config_hash"].isna().tolist() == [False, False, True]
    assert frame["query_type"].tolist() == ["pivot", "pivot", "text"]
    assert len(seeded.preferences_frame("qs")) == 3


def test_tally_counts_wins_losses_and_ties_per_config(seeded):
    seeded.record_preference("q1", "r1", "hash-A", "hash-B", "left", 1)  # A wins
    seeded.record_preference("q1", "r2", "hash-B", "hash-A", "left", 1)  # B wins
    seeded.record_preference("q2", "r1", "hash-B", "hash-A", "right", 1)  # A wins
    seeded.record_preference("q3", "r3", "hash-A", "hash-B", "tie", 1)
    tally = preference_tally(seeded.preferences_frame()).set_index("config_hash")
    assert tuple(tally.reset_index().columns) == TALLY_COLUMNS
    assert tally.loc["hash-A", ["comparisons", "wins", "losses", "ties"]].tolist() == [4, 2, 1, 1]
    assert tally.loc["hash-A", "win_rate"] == pytest.approx((2 + 0.5) / 4)
    assert tally.loc["hash-B", "win_rate"] == pytest.approx((1 + 0.5) / 4)
    assert preference_tally(seeded.preferences_frame().iloc[:0]).empty


@pytest.mark.parametrize("args, error, match", [
    (("q1", "r1", "hash-A", "hash-B", "better", 1.0), ValueError, "choice must be one of left, right, tie"),
    (("q1", "r1", "hash-A", "hash-A", "left", 1.0), ValueError, "same hash"),
    (("q1", "r1", "", "hash-B", "left", 1.0), ValueError, "left_config_hash must be a non-empty"),
    (("q1", "r1", "hash-A", "hash-B", "left", -1.0), ValueError, "seconds_spent"),
    (("nope", "r1", "hash-A", "hash-B", "left", 1.0), UnknownNameError, "unknown query id 'nope'"),
    (("q1", "ghost", "hash-A", "hash-B", "left", 1.0), UnknownNameError, "unknown rater id 'ghost'"),
])
def test_bad_preferences_are_refused_and_nothing_is_written(seeded, args, error, match):
    before = table_contents(seeded)
    with pytest.raises(error, match=match):
        seeded.record_preference(*args)
    assert table_contents(seeded) == before


def test_unknown_query_set_is_named(seeded):
    with pytest.raises(UnknownNameError, match="unknown query set 'zz'"):
        seeded.preferences_frame("zz")


def test_blind_sides_puts_each_config_left_about_half_the_time():
    rng = random.Random(0)
    sides = [blind_sides("A", "B", rng) for _ in range(400)]
    assert set(sides) == {("A", "B"), ("B", "A")}
    assert 150 < sum(side == ("A", "B") for side in sides) < 250
