"""A trained judge's kappa against the raters' aggregate, beside the raters' own pairwise kappa (hand-checked)."""

import pandas as pd
import pytest

from engine.metrics.kappa import cohen_kappa_quadratic
from engine.models.relevance.judge_agreement import judge_agreement, relevance_units, shared_units


def frame(rows):
    return pd.DataFrame(rows, columns=["query_id", "item_id", "rater_id", "label", "mode", "simulated"])


# three units judged by a and b; one unit judged by a alone; q2 is another query
JUDGED = frame([
    ("q1", "i1", "a", 4, "graded", False), ("q1", "i1", "b", 3, "graded", False),
    ("q1", "i2", "a", 0, "graded", False), ("q1", "i2", "b", 1, "graded", False),
    ("q1", "i3", "a", 2, "graded", False), ("q1", "i3", "b", 2, "graded", False),
    ("q1", "i4", "a", 4, "graded", False),
    ("q2", "i1", "a", 1, "graded", True), ("q2", "i1", "b", 1, "graded", True),
])


def test_units_are_pairs_with_two_raters_of_the_chosen_queries():
    assert shared_units(JUDGED) == [("q1", "i1"), ("q1", "i2"), ("q1", "i3"), ("q2", "i1")]
    assert shared_units(JUDGED, {"q2"}) == [("q2", "i1")]


def test_kappa_against_the_lower_median_and_the_raters_mean_pairwise_kappa():
    units = shared_units(JUDGED, {"q1"})
    predicted = {("q1", "i1"): 3, ("q1", "i2"): 0, ("q1", "i3"): 2, ("q9", "x"): 4}
    got = judge_agreement(JUDGED, predicted, units)
    # lower medians: (3, 4) -> 3, (0, 1) -> 0, (2, 2) -> 2: the judge agrees exactly
    assert got["n_units"] == 3 and got["kappa"] == pytest.approx(1.0)
    # one rater pair, a = (4, 0, 2) against b = (3, 1, 2)
    assert got["raters_kappa"] == pytest.approx(cohen_kappa_quadratic([4, 0, 2], [3, 1, 2], labels=range(5)))
    worse = judge_agreement(JUDGED, {("q1", "i1"): 0, ("q1", "i2"): 4, ("q1", "i3"): 2}, units)
    assert worse["kappa"] < 0 and worse["raters_kappa"] == got["raters_kappa"]


def test_nothing_to_compare_gives_none_not_a_number():
    assert judge_agreement(JUDGED, {}, shared_units(JUDGED, {"q1"})) == {"n_units": 0, "kappa": None,
                                                                          "raters_kappa": None}


def test_the_units_are_the_held_out_queries_the_checkpoint_recorded_of_its_source():
    assert relevance_units(JUDGED, {"source": "human"}, {"held_out_queries": ["q1", "q2"]}) == [
        ("q1", "i1"), ("q1", "i2"), ("q1", "i3")]  # q2's judgments are simulated
    assert relevance_units(JUDGED, {"source": "simulated"}, {"held_out_queries": ["q2"]}) == [("q2", "i1")]
