import pytest

from engine.rerank import fill_top
from engine.rerank.errors import RerankConfigError
from tests.rerank.fixtures import result

RED = {"color": "red"}


def results():
    # score order; matching red dresses: c, e
    return [result(1, "a", 0.9, color="blue", category="dress"),
            result(2, "b", 0.8, color="red", category="skirt"),
            result(3, "c", 0.7, color="red", category="dress"),
            result(4, "d", 0.6, color="green"),
            result(5, "e", 0.5, color="red", category="dress")]


def test_fewer_matches_than_positions_puts_all_matches_first():
    filled = fill_top(results(), {"color": "red", "category": "dress"}, positions=3)
    assert [r.item_id for r in filled] == ["c", "e", "a", "b", "d"]
    assert [r.rank for r in filled] == [1, 2, 3, 4, 5]
    assert [r.filled for r in filled] == [True, True, False, False, False]
    assert [r.score for r in filled] == [0.7, 0.5, 0.9, 0.8, 0.6]


def test_more_matches_than_positions_fills_only_the_positions():
    filled = fill_top(results(), RED, positions=2)
    assert [r.item_id for r in filled] == ["b", "c", "a", "d", "e"]
    assert [r.filled for r in filled] == [True, True, False, False, False]


def test_a_match_already_in_place_is_not_marked_filled():
    filled = fill_top(results(), {"color": "blue"}, positions=8)
    assert [r.item_id for r in filled] == ["a", "b", "c", "d", "e"]
    assert not any(r.filled for r in filled)


@pytest.mark.parametrize("target, positions", [({}, 8), ({"color": "purple"}, 8), (RED, 0)])
def test_no_targets_no_matches_or_no_positions_leave_results_unchanged(target, positions):
    assert fill_top(results(), target, positions=positions) == results()


def test_negative_positions_is_an_error():
    with pytest.raises(RerankConfigError, match="-1"):
        fill_top(results(), RED, positions=-1)


@pytest.mark.parametrize("targets", [{}, RED, {"color": "red", "category": "dress"}, {"color": "purple"}])
@pytest.mark.parametrize("positions", [0, 1, 2, 3, 8])
@pytest.mark.parametrize("limit", [None, 0, 1, 2, 3, 5, 9])
def test_a_limit_gives_the_head_of_the_whole_answer(targets, positions, limit):
    # the search keeps only k results: building just those must not change them (e.g. a match lifted from
    # below the cut, a positions larger than the limit)
    assert fill_top(results(), targets, positions=positions, limit=limit) == \
        fill_top(results(), targets, positions=positions)[:limit]
