"""The agreement gate's kernel: thresholds, temperature calibration, and each row against a brute-force oracle."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from engine.models.relevance.judge_gate import (GateRow, ThresholdError, check_threshold, fit_temperature, gate_row,
                                                gate_table, negative_log_likelihood, temper)


def qwk_by_hand(a, b, grades=5):
    """Quadratic-weighted kappa written out: 1 - sum w O / sum w E, w = (i - j)^2."""
    n = len(a)
    observed = [[sum(1 for x, y in zip(a, b) if (x, y) == (i, j)) for j in range(grades)] for i in range(grades)]
    rows = [sum(observed[i]) for i in range(grades)]
    cols = [sum(observed[i][j] for i in range(grades)) for j in range(grades)]
    num = sum((i - j) ** 2 * observed[i][j] for i in range(grades) for j in range(grades))
    den = sum((i - j) ** 2 * rows[i] * cols[j] / n for i in range(grades) for j in range(grades))
    return None if den == 0 else 1 - num / den


def oracle(t, confidence, model, human, wanted, judges):
    """Every count by a loop over the pairs."""
    above = [i for i, c in enumerate(confidence) if c >= t]
    measured = [i for i in above if human[i] is not None]
    return {
        "model_pairs": len(above), "human_pairs": len(confidence) - len(above),
        "judgments_saved": sum(wanted[i] for i in above),
        "open": sum(max(wanted[i] - judges[i], 0) for i in above),
        "n": len(measured),
        "qwk": qwk_by_hand([human[i] for i in measured], [model[i] for i in measured]) if measured else None,
        "exact": sum(human[i] == model[i] for i in measured) / len(measured) if measured else None,
    }


# six pairs: confidences, the model's grade, the people's label (None: no person judged / query seen in training),
# the overlap wanted and the people who judged so far
CONF = [0.95, 0.9, 0.8, 0.6, 0.4, 0.2]
MODEL = [4, 3, 0, 2, 1, 0]
HUMAN = [4, 1, None, 2, None, 0]
WANTED = [3, 3, 3, 3, 3, 3]
JUDGES = [3, 1, 0, 2, 0, 3]


def test_a_row_by_hand():
    row = gate_row(0.85, CONF, MODEL, HUMAN, WANTED, JUDGES)
    # pairs 0 and 1 are at or above 0.85; both measured: model (4, 3) against people (4, 1)
    assert (row.model_pairs, row.human_pairs, row.judgments_saved, row.open_judgments_saved) == (2, 4, 6, 0 + 2)
    assert row.agreement.n == 2 and row.agreement.accuracy == pytest.approx(1 / 2)
    # O = {(4,4), (1,3)}; rows (people) 1 and 4, cols (model) 3 and 4; sum w O = 4;
    # sum w E = (1/2) [(1-3)^2 + (1-4)^2 + (4-3)^2 + (4-4)^2] = 7
    assert row.agreement.qwk == pytest.approx(1 - 4 / 7)
    assert row.unmeasured is None


@pytest.mark.parametrize("t", [0.0, 0.2, 0.3, 0.6, 0.61, 0.8, 0.9, 0.95, 1.0])
def test_rows_match_the_oracle(t):
    row = gate_row(t, CONF, MODEL, HUMAN, WANTED, JUDGES)
    want = oracle(t, CONF, MODEL, HUMAN, WANTED, JUDGES)
    assert (row.model_pairs, row.human_pairs, row.judgments_saved, row.open_judgments_saved) == \
        (want["model_pairs"], want["human_pairs"], want["judgments_saved"], want["open"])
    if want["n"] == 0:
        assert row.agreement is None and row.unmeasured.startswith("unmeasured")
    else:
        assert row.agreement.n == want["n"] and row.agreement.accuracy == pytest.approx(want["exact"])
        assert row.agreement.qwk == (None if want["qwk"] is None else pytest.approx(want["qwk"]))


def test_random_pools_match_the_oracle():
    rng = np.random.default_rng(0)
    for _ in range(30):
        n = int(rng.integers(1, 25))
        conf = rng.random(n).round(2).tolist()
        model = rng.integers(0, 5, n).tolist()
        human = [None if rng.random() < 0.3 else int(g) for g in rng.integers(0, 5, n)]
        wanted = rng.integers(1, 4, n).tolist()
        judges = rng.integers(0, 5, n).tolist()
        for t in (0.0, 0.25, 0.5, 0.75, 1.0):
            row, want = gate_row(t, conf, model, human, wanted, judges), oracle(t, conf, model, human, wanted, judges)
            assert (row.model_pairs, row.judgments_saved, row.open_judgments_saved) == \
                (want["model_pairs"], want["judgments_saved"], want["open"])
            if want["n"]:
                assert row.agreement.qwk == (None if want["qwk"] is None else pytest.approx(want["qwk"]))


def test_no_overlap_with_people_is_unmeasured_not_a_number():
    row = gate_row(0.5, [0.9, 0.8], [4, 3], [None, None], [3, 3], [0, 0])
    assert row.model_pairs == 2 and row.agreement is None
    assert "unmeasured" in row.unmeasured and "both the model and humans" in row.unmeasured
    assert row.to_dict()["agreement"] is None
    nothing = gate_row(0.99, [0.9], [4], [4], [3], [3])
    assert nothing.model_pairs == 0 and nothing.agreement is None and "no pair" in nothing.unmeasured


def test_one_grade_on_both_sides_leaves_qwk_undefined_but_counts_exact_agreement():
    row = gate_row(0.5, [0.9, 0.9], [4, 4], [4, 4], [1, 1], [1, 1])
    assert row.agreement.qwk is None and row.agreement.accuracy == 1.0 and row.agreement.n == 2


def test_the_table_is_one_row_per_threshold_in_order():
    rows = gate_table([0.9, 0.5], CONF, MODEL, HUMAN, WANTED, JUDGES)
    assert [r.threshold for r in rows] == [0.9, 0.5] and all(isinstance(r, GateRow) for r in rows)
    assert rows[0].model_pairs <= rows[1].model_pairs


@pytest.mark.parametrize("bad", [-0.01, 1.5, float("nan"), "high", None, True])
def test_a_threshold_off_zero_to_one_is_refused_naming_it(bad):
    with pytest.raises(ThresholdError) as error:
        check_threshold(bad)
    assert repr(bad) in str(error.value) and "[0, 1]" in str(error.value)


def test_thresholds_on_the_edges_are_kept():
    assert check_threshold(0) == 0.0 and check_threshold("1") == 1.0 and check_threshold(0.5) == 0.5


def test_temperature_one_changes_nothing_and_keeps_the_argmax():
    p = np.array([[0.1, 0.2, 0.3, 0.3, 0.1], [0.6, 0.1, 0.1, 0.1, 0.1]])
    assert temper(p, 1.0) == pytest.approx(p)
    hot = temper(p, 4.0)
    assert (hot.argmax(axis=1) == np.array([2, 0])).all() and (hot.max(axis=1) < p.max(axis=1)).all()
    assert hot.sum(axis=1) == pytest.approx([1.0, 1.0])


def test_the_fitted_temperature_minimises_the_nll_on_its_grid_and_undoes_overconfidence():
    rng = np.random.default_rng(1)
    true = rng.dirichlet(np.ones(5), size=400)  # the calibrated distributions
    labels = np.array([rng.choice(5, p=row) for row in true])
    overconfident = temper(true, 0.4)  # sharpened: what a model that is too sure would say
    t = fit_temperature(overconfident, labels)
    assert 2.0 < t < 3.1  # about 1 / 0.4: softened back
    nll = negative_log_likelihood(temper(overconfident, t), labels)
    for other in (t * 0.8, t * 1.25, 1.0):
        assert nll <= negative_log_likelihood(temper(overconfident, other), labels) + 1e-12


def test_no_calibration_pairs_leave_the_model_as_it_is():
    assert fit_temperature(np.zeros((0, 5)), []) == 1.0


def test_pairs_are_counted_once_each_whatever_their_order():
    order = list(range(len(CONF)))
    for perm in itertools.islice(itertools.permutations(order), 0, 720, 97):
        pick = list(perm)
        row = gate_row(0.6, [CONF[i] for i in pick], [MODEL[i] for i in pick], [HUMAN[i] for i in pick],
                       [WANTED[i] for i in pick], [JUDGES[i] for i in pick])
        assert row == gate_row(0.6, CONF, MODEL, HUMAN, WANTED, JUDGES)
