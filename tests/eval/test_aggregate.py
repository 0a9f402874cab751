"""Several raters' labels per (query, item) made into one grade."""

import pandas as pd
import pytest

from eval.aggregate import aggregate_judgments

LABELS = pd.DataFrame(
    [("q", "a", 1), ("q", "a", 1), ("q", "a", 3), ("q", "a", 3),  # a tie between 1 and 3
     ("q", "b", 4), ("q", "b", 2), ("q", "b", 2),
     ("p", "a", 0)],
    columns=["query_id", "item_id", "label"],
)


def grades(how):
    frame = aggregate_judgments(LABELS, how)
    return {(q, i): (g, n) for q, i, g, n in frame[["query_id", "item_id", "grade", "n_raters"]].itertuples(index=False)}


def test_mean():
    assert grades("mean") == {("p", "a"): (0.0, 1), ("q", "a"): ((1 + 1 + 3 + 3) / 4, 4), ("q", "b"): ((4 + 2 + 2) / 3, 3)}


def test_median():
    assert grades("median") == {("p", "a"): (0.0, 1), ("q", "a"): ((1 + 3) / 2, 4), ("q", "b"): (2.0, 3)}


def test_majority_breaks_ties_towards_the_lower_grade():
    assert grades("majority") == {("p", "a"): (0.0, 1), ("q", "a"): (1.0, 4), ("q", "b"): (2.0, 3)}


def test_majority_tie_break_does_not_depend_on_row_order():
    shuffled = LABELS.iloc[::-1].reset_index(drop=True)
    assert aggregate_judgments(shuffled, "majority").equals(aggregate_judgments(LABELS, "majority"))


def test_unknown_aggregation_lists_the_choices():
    with pytest.raises(ValueError, match="unknown aggregation 'vote'; choose one of mean, median, majority"):
        aggregate_judgments(LABELS, "vote")


def test_empty_judgments_give_an_empty_frame():
    assert aggregate_judgments(LABELS.iloc[:0]).empty
