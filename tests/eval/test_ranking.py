"""rank_grades: the join of a run to grades as padded arrays, and its checks."""

import math

import numpy as np
import pandas as pd
import pytest

from eval.ranking import discounts, rank_grades


def test_arrays_follow_rank_not_row_order():
    run = pd.DataFrame({"query_id": ["q", "q", "q"], "item_id": ["c", "a", "b"], "rank": [30, 10, 20]})
    grades = pd.DataFrame({"query_id": ["q", "q", "q"], "item_id": ["a", "c", "z"], "grade": [1.0, 3.0, 2.0]})
    batch = rank_grades(run, grades)
    np.testing.assert_array_equal(batch.retrieved, [[1.0, np.nan, 3.0]])
    np.testing.assert_array_equal(batch.judged, [[3.0, 2.0, 1.0]])
    assert batch.lengths.tolist() == [3]


def test_query_ids_choose_and_order_the_rows():
    run = pd.DataFrame({"query_id": ["a", "b"], "item_id": ["x", "x"], "rank": [1, 1]})
    grades = pd.DataFrame({"query_id": ["a", "b", "c"], "item_id": ["x", "x", "x"], "grade": [1.0, 2.0, 3.0]})
    batch = rank_grades(run, grades, query_ids=["c", "b"])
    assert list(batch.query_ids) == ["c", "b"]
    assert batch.lengths.tolist() == [0, 1]  # c retrieved nothing
    assert batch.retrieved[1, 0] == 2.0
    assert batch.judged[:, 0].tolist() == [3.0, 2.0]


def test_two_grades_for_one_document_are_refused():
    run = pd.DataFrame({"query_id": ["q"], "item_id": ["x"], "rank": [1]})
    grades = pd.DataFrame({"query_id": ["q", "q"], "item_id": ["x", "x"], "grade": [1.0, 2.0]})
    with pytest.raises(ValueError, match="aggregate the raters first"):
        rank_grades(run, grades)


def test_a_document_retrieved_twice_is_refused():
    run = pd.DataFrame({"query_id": ["q", "q"], "item_id": ["x", "x"], "rank": [1, 2]})
    with pytest.raises(ValueError, match="retrieves an item twice for query 'q'"):
        rank_grades(run, pd.DataFrame({"query_id": [], "item_id": [], "grade": []}))


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match=r"run frame lacks the columns \['rank'\]"):
        rank_grades(pd.DataFrame({"query_id": ["q"], "item_id": ["x"]}),
                    pd.DataFrame({"query_id": [], "item_id": [], "grade": []}))


def test_discounts_are_log2_of_rank_plus_one():
    assert discounts(4).tolist() == [math.log2(2), math.log2(3), math.log2(4), math.log2(5)]


def test_object_and_string_columns_give_the_same_arrays():
    run = pd.DataFrame({"query_id": ["q", "q"], "item_id": ["a", "b"], "rank": [1, 2]})
    grades = pd.DataFrame({"query_id": ["q"], "item_id": ["b"], "grade": [2.0]})
    as_objects = rank_grades(run.astype({"query_id": object, "item_id": object}),
                             grades.astype({"query_id": object, "item_id": object}))
    np.testing.assert_array_equal(as_objects.retrieved, rank_grades(run, grades).retrieved)
    np.testing.assert_array_equal(as_objects.retrieved, [[np.nan, 2.0]])
