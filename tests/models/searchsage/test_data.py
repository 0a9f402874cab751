"""Pairs from the search log: the time split, the per-item cap, refinements, the no-engagement error."""

import pytest

from engine.models.searchsage.data import SearchLogError, cap_per_item, load_search_log, make_pairs, time_cutoff
from tests.models.searchsage.synthetic_log import log


def test_the_pair_cap_keeps_the_earliest_per_item():
    pairs = [("q1", "a"), ("q2", "a"), ("q3", "b"), ("q4", "a"), ("q5", "b"), ("q6", "c")]
    assert cap_per_item(pairs, 2) == [("q1", "a"), ("q2", "a"), ("q3", "b"), ("q5", "b"), ("q6", "c")]
    assert cap_per_item(pairs, 1) == [("q1", "a"), ("q3", "b"), ("q6", "c")]
    with pytest.raises(ValueError, match="must be positive"):
        cap_per_item(pairs, 0)


def test_the_last_share_by_time_is_held_out_and_nothing_of_it_is_trained_on():
    searches = log(100).searches
    cutoff = time_cutoff(searches, 0.15)
    assert cutoff == searches["ts"].iloc[85]  # int(100 * 0.85): searches 85..99 are held out
    pairs = make_pairs(log(100), held_out_fraction=0.15, cap=1000)
    assert len(pairs.train_qi) == 85  # one engagement per search before the cutoff
    titles = [s for s in searches["query"]]
    assert set(pairs.held_out_qi) == {(titles[s], f"p{(7 * s) % 30:02d}") for s in range(85, 100)}
    # engaged queries come from the training window only
    held_only = {f"p{(7 * s) % 30:02d}" for s in range(85, 100)} - {f"p{(7 * s) % 30:02d}" for s in range(85)}
    assert all(item not in pairs.engaged_queries for item in held_only)
    # refinements: searches 10, 20, ..., 80 refine the one before (90 is held out)
    assert pairs.train_qq == [(titles[s - 1], titles[s]) for s in range(10, 85, 10)]


def test_a_log_with_no_held_out_engagement_is_refused():
    with pytest.raises(SearchLogError, match="no saves or long clicks in its held-out window"):
        make_pairs(log(100, engaged_until=80), held_out_fraction=0.15)


def test_a_folder_without_the_log_is_refused(tmp_path):
    with pytest.raises(SearchLogError, match="searches.parquet is missing"):
        load_search_log(tmp_path)
    with pytest.raises(ValueError, match="held_out_fraction must be between 0 and 1"):
        time_cutoff(log(10).searches, 1.5)
