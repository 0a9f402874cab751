import pytest

from engine.generators.multi_fetch import MultiFetchError, merge_candidates
from engine.records import Source


def test_overlapping_calls_merge_into_one_candidate_per_item_in_first_seen_order():
    calls = [
        ("late_fusion", {"alpha": 0.5}, [("a", 0.9), ("b", 0.8)]),
        ("text", {}, [("c", 3.0), ("a", 2.0)]),
        ("late_fusion", {"alpha": 0.2}, [("b", 0.7), ("d", 0.6), ("a", 0.5)]),
    ]
    merged = merge_candidates(calls)
    assert [c.item_id for c in merged] == ["a", "b", "c", "d"]
    by_id = {c.item_id: c for c in merged}
    assert by_id["a"].sources == [Source("late_fusion", {"alpha": 0.5}, 1, 0.9), Source("text", {}, 2, 2.0),
                                  Source("late_fusion", {"alpha": 0.2}, 3, 0.5)]
    assert by_id["b"].sources == [Source("late_fusion", {"alpha": 0.5}, 2, 0.8),
                                  Source("late_fusion", {"alpha": 0.2}, 1, 0.7)]
    assert by_id["c"].sources == [Source("text", {}, 1, 3.0)]
    assert by_id["d"].sources == [Source("late_fusion", {"alpha": 0.2}, 2, 0.6)]


def test_each_source_gets_its_own_params_copy():
    params = {"alpha": 0.5}
    merged = merge_candidates([("late_fusion", params, [("a", 1.0), ("b", 0.5)])])
    params["alpha"] = 0.9
    merged[0].sources[0].params["alpha"] = 0.1
    assert merged[1].sources[0].params == {"alpha": 0.5}


def test_no_calls_and_empty_calls_give_no_candidates():
    assert merge_candidates([]) == []
    assert merge_candidates([("text", {}, [])]) == []


def test_an_item_twice_in_one_call_is_an_error_naming_it():
    with pytest.raises(MultiFetchError, match="'a' twice"):
        merge_candidates([("text", {}, [("a", 1.0), ("a", 0.5)])])
