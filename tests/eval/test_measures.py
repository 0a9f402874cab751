"""Measure kernels on tiny hand-made rankings; expected values are written as the formula."""

import math

import numpy as np
import pandas as pd
import pytest

from eval.measures import MEASURES, Measure, UnknownMeasureError, compute, known_measures, parse_measure
from eval.ranking import rank_grades

NAN = float("nan")


def batch_of(ranked_grades, judged_grades):
    """One query: grades of the run in rank order (None = unjudged), plus judged-only documents."""
    run = pd.DataFrame({"query_id": "q", "item_id": [f"r{i}" for i in range(len(ranked_grades))],
                        "rank": range(1, len(ranked_grades) + 1)})
    grades = [(f"r{i}", g) for i, g in enumerate(ranked_grades) if g is not None]
    grades += [(f"extra{i}", g) for i, g in enumerate(judged_grades)]
    frame = pd.DataFrame(grades, columns=["item_id", "grade"]).assign(query_id="q")
    return rank_grades(run, frame)


# Run: grades 3, unjudged, 0, 4, 1; one more judged document (grade 2) was not retrieved.
RUN = [3, None, 0, 4, 1]
EXTRA = [2]


@pytest.mark.parametrize(
    "text, level, expected",
    [
        ("P@5", 3, 2 / 5),
        ("P@2", 3, 1 / 2),
        ("P@10", 3, 2 / 10),  # divides by k even though only 5 were retrieved
        ("P@5", 1, 3 / 5),
        ("P(rel=4)@5", 1, 1 / 5),  # the measure's own level wins
        ("R@1", 3, 1 / 2),
        ("R@5", 1, 3 / 4),  # relevant judged at level 1: grades 3, 4, 1, 2
        ("recip_rank", 4, 1 / 4),
        ("recip_rank@3", 4, 0.0),
        ("map", 3, (1 / 1 + 2 / 4) / 2),
        ("map", 1, (1 / 1 + 2 / 4 + 3 / 5) / 4),
        ("map@4", 1, (1 / 1 + 2 / 4) / 4),
        ("nDCG@3", 3, (3 / math.log2(2)) / (4 / math.log2(2) + 3 / math.log2(3) + 2 / math.log2(4))),
        ("nDCG@5", 3, (3 / math.log2(2) + 4 / math.log2(5) + 1 / math.log2(6))
         / (4 / math.log2(2) + 3 / math.log2(3) + 2 / math.log2(4) + 1 / math.log2(5))),
        ("nDCG_exp@5", 3, ((2**3 - 1) / math.log2(2) + (2**4 - 1) / math.log2(5) + (2**1 - 1) / math.log2(6))
         / ((2**4 - 1) + (2**3 - 1) / math.log2(3) + (2**2 - 1) / math.log2(4) + (2**1 - 1) / math.log2(5))),
        ("relevance@5", 3, (3 + 0 + 4 + 1) / 4),  # the unjudged rank 2 is left out of the mean
        ("relevance@2", 3, 3 / 1),
        ("judged@5", 3, 4 / 5),
        ("judged@10", 3, 4 / 5),  # of the 5 shown, not of 10
    ],
)
def test_measure_on_a_hand_made_ranking(text, level, expected):
    value = compute(text, batch_of(RUN, EXTRA), level)
    assert value.shape == (1,)
    assert value[0] == pytest.approx(expected, abs=1e-15)


def test_ndcg_ignores_the_relevance_level():
    batch = batch_of(RUN, EXTRA)
    assert compute("nDCG@5", batch, 1)[0] == compute("nDCG@5", batch, 4)[0]


def test_nothing_relevant_gives_zero_not_nan():
    batch = batch_of([0, None, 0], [0])
    for text in ("P@3", "R@3", "map", "recip_rank", "nDCG@3", "nDCG_exp@3"):
        assert compute(text, batch, 1)[0] == 0.0, text


def test_relevance_with_nothing_judged_is_nan():
    assert np.isnan(compute("relevance@2", batch_of([None, None, 3], []), 3)[0])


def test_queries_are_independent_rows():
    run = pd.DataFrame({"query_id": ["a", "a", "b"], "item_id": ["x", "y", "x"], "rank": [2, 1, 1]})
    grades = pd.DataFrame({"query_id": ["a", "b"], "item_id": ["x", "y"], "grade": [4.0, 4.0]})
    batch = rank_grades(run, grades)
    assert list(batch.query_ids) == ["a", "b"]
    assert compute("recip_rank", batch, 3).tolist() == [1 / 2, 0.0]  # a: x is at rank 2; b: y never retrieved
    assert compute("R@5", batch, 3).tolist() == [1.0, 0.0]


@pytest.mark.parametrize("text, canonical", [
    ("nDCG@10", "nDCG@10"), ("ndcg@10", "nDCG@10"), ("P@5", "P@5"), ("MRR", "recip_rank"),
    ("RR", "recip_rank"), ("MAP", "map"), ("AP@100", "map@100"), ("P(rel=2)@10", "P(rel=2)@10"),
    ("judged@20", "judged@20"), (" nDCG_exp@3 ", "nDCG_exp@3"),
])
def test_text_forms_parse_back(text, canonical):
    measure = parse_measure(text)
    assert str(measure) == canonical
    assert parse_measure(str(measure)) == measure


def test_parsed_measure_fields():
    assert parse_measure("P(rel=2)@10") == Measure("P", k=10, level=2.0)


@pytest.mark.parametrize("text, message", [
    ("foo@10", "unknown measure 'foo'; known: P@k"),
    ("P", "needs a cutoff"),
    ("P@0", "at least 1"),
    ("nDCG(rel=2)@10", "does not use a relevance level"),
    ("P@@3", "cannot read the measure"),
])
def test_bad_measures_are_named(text, message):
    with pytest.raises(UnknownMeasureError, match=message):
        parse_measure(text)


def test_every_registered_measure_is_listed_and_computes():
    batch = batch_of(RUN, EXTRA)
    for name, spec in MEASURES.items():
        assert spec.example() in known_measures()
        assert spec.description
        text = spec.example().replace("@k", "@3")
        assert compute(text, batch, 3).shape == (1,)
