"""Agreement statistics: tiny hand-computed cases, and the reference libraries on seeded random data."""

import math

import krippendorff
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

from eval.agreement import (
    cohen_kappa_quadratic,
    fleiss_kappa,
    fleiss_kappa_from_counts,
    gold_accuracy,
    krippendorff_alpha,
    krippendorff_alpha_ordinal_from_counts,
    pairwise_cohen_kappa,
    rater_bias,
)


def frame(rows):
    """(unit, rater, label) rows as a judgments frame; the unit is the item of one query."""
    return pd.DataFrame([("q", u, r, l) for u, r, l in rows], columns=["query_id", "item_id", "rater_id", "label"])


def random_panel(seed, n_units=80, n_raters=4, missing=0.25):
    """Ordinal labels 0..4: a latent grade per unit plus rater noise, some ratings missing."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 5, n_units)
    labels = np.clip(truth[None, :] + rng.integers(-1, 2, (n_raters, n_units)), 0, 4).astype(float)
    labels[rng.random(labels.shape) < missing] = np.nan
    rows = [(f"u{u}", f"r{r}", int(labels[r, u])) for r in range(n_raters) for u in range(n_units)
            if not np.isnan(labels[r, u])]
    return labels, frame(rows)


# ---- Cohen's kappa, quadratic weights ----

def test_cohen_hand_computed():
    # a = 0,1,2; b = 0,2,2. Observed disagreement weight: (1-2)^2 once. Expected (rows: a's marginals
    # 1,1,1 over 3; columns: b's 1,0,2 over 3): 8/3 + 1 + 4/3.
    assert cohen_kappa_quadratic([0, 1, 2], [0, 2, 2]) == pytest.approx(1 - 1 / (8 / 3 + 1 + 4 / 3), abs=1e-15)


def test_cohen_perfect_agreement_is_one_and_constant_raters_are_undefined():
    assert cohen_kappa_quadratic([0, 2, 4], [0, 2, 4]) == 1.0
    assert math.isnan(cohen_kappa_quadratic([3, 3], [3, 3]))


def test_cohen_matches_scikit_learn_on_random_pairs():
    labels, judgments = random_panel(seed=11)
    table = pairwise_cohen_kappa(judgments, labels=range(5))
    assert len(table) == 4 * 3 / 2
    for row in table.itertuples():
        a, b = labels[int(row.rater_a[1:])], labels[int(row.rater_b[1:])]
        both = ~np.isnan(a) & ~np.isnan(b)
        assert row.n_units == both.sum()
        expected = cohen_kappa_score(a[both], b[both], weights="quadratic", labels=list(range(5)))
        assert row.kappa == pytest.approx(expected, abs=1e-12)


# ---- Fleiss' kappa ----

def test_fleiss_hand_computed_equal_counts():
    # Units [2, 0] and [1, 1]: agreement 1 and 0, mean 1/2; shares 3/4, 1/4 -> chance 10/16.
    assert fleiss_kappa_from_counts([[2, 0], [1, 1]]) == pytest.approx((1 / 2 - 10 / 16) / (1 - 10 / 16), abs=1e-15)


def test_fleiss_unequal_counts_use_each_units_own_count():
    # Units [3, 0] (3 raters) and [1, 1] (2 raters): agreement (9-3)/(3*2) = 1 and 0; shares 4/5, 1/5.
    chance = (4 / 5) ** 2 + (1 / 5) ** 2
    assert fleiss_kappa_from_counts([[3, 0], [1, 1], [1, 0]]) == pytest.approx((1 / 2 - chance) / (1 - chance), abs=1e-15)


def test_fleiss_matches_statsmodels_on_random_data():
    labels, judgments = random_panel(seed=5, missing=0.0)
    counts = np.stack([np.bincount(labels[:, u].astype(int), minlength=5) for u in range(labels.shape[1])])
    assert fleiss_kappa(judgments) == pytest.approx(statsmodels_fleiss(counts), abs=1e-12)
    assert fleiss_kappa_from_counts(counts) == pytest.approx(statsmodels_fleiss(counts), abs=1e-12)


# ---- Krippendorff's alpha, ordinal ----

def test_krippendorff_hand_computed_with_missing_values():
    # Units {0,0}, {0,1}, {1,1,2} and {2} (alone: not pairable). Coincidences o00=2, o01=o10=1, o11=1,
    # o12=o21=1; n = (3, 3, 1), total 7. Ordinal distances: d01=(3+3-3)^2=9, d12=(3+1-2)^2=4,
    # d02=(3+3+1-2)^2=25.
    observed = 2 * (1 * 9 + 1 * 4 + 0 * 25)
    expected = 2 * (3 * 3 * 9 + 3 * 1 * 4 + 3 * 1 * 25)
    rows = [("u1", "a", 0), ("u1", "b", 0), ("u2", "a", 0), ("u2", "b", 1),
            ("u3", "a", 1), ("u3", "b", 1), ("u3", "c", 2), ("u4", "c", 2)]
    assert krippendorff_alpha(frame(rows)) == pytest.approx(1 - (7 - 1) * observed / expected, abs=1e-15)
    data = np.array([[0, 0, 1, np.nan], [0, 1, 1, np.nan], [np.nan, np.nan, 2, 2]])
    assert krippendorff_alpha(frame(rows)) == pytest.approx(
        krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal"), abs=1e-12)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_krippendorff_matches_the_package_on_random_data_with_gaps(seed):
    labels, judgments = random_panel(seed=seed)
    expected = krippendorff.alpha(reliability_data=labels, level_of_measurement="ordinal", value_domain=list(range(5)))
    assert krippendorff_alpha(judgments) == pytest.approx(expected, abs=1e-12)


def test_krippendorff_counts_kernel_ignores_unpairable_units():
    with_lonely = krippendorff_alpha_ordinal_from_counts([[2, 0, 0], [1, 1, 0], [0, 2, 1], [0, 0, 1]])
    without = krippendorff_alpha_ordinal_from_counts([[2, 0, 0], [1, 1, 0], [0, 2, 1]])
    assert with_lonely == without


# ---- bias and gold ----

def test_rater_bias_hand_computed():
    rows = [("u1", "r1", 4), ("u1", "r2", 2),
            ("u2", "r1", 3), ("u2", "r2", 3), ("u2", "r3", 0),
            ("u3", "r3", 1)]  # u3: nobody else, left out
    bias = rater_bias(frame(rows)).set_index("rater_id")
    assert bias.loc["r1", "bias"] == pytest.approx(((4 - 2) + (3 - (3 + 0) / 2)) / 2)
    assert bias.loc["r2", "bias"] == pytest.approx(((2 - 4) + (3 - (3 + 0) / 2)) / 2)
    assert bias.loc["r3", "bias"] == pytest.approx(0 - (3 + 3) / 2)
    assert bias["n_units"].to_dict() == {"r1": 2, "r2": 2, "r3": 1}


def test_a_raters_latest_label_counts():
    judgments = frame([("u1", "a", 0), ("u1", "b", 4)]).assign(judged_at=pd.to_datetime(["2026-01-02", "2026-01-01"]))
    later = frame([("u1", "a", 4)]).assign(judged_at=pd.to_datetime(["2026-01-01"]))
    bias = rater_bias(pd.concat([judgments, later])).set_index("rater_id")
    assert bias.loc["a", "bias"] == 0 - 4  # 2026-01-02's 0 replaces 2026-01-01's 4


def test_gold_accuracy():
    gold = pd.DataFrame({"rater_id": ["a", "a", "a", "b"], "label": [4, 2, 0, 1], "expected_label": [4, 3, 0, 3]})
    table = gold_accuracy(gold).set_index("rater_id")
    assert table.loc["a"].tolist() == [3, 2 / 3, (0 + 1 + 0) / 3]
    assert table.loc["b"].tolist() == [1, 0.0, 2.0]


def test_mixed_modes_are_refused():
    judgments = frame([("u1", "a", 1), ("u1", "b", 1)]).assign(mode=["graded", "binary"])
    with pytest.raises(ValueError, match="filter to one mode first"):
        fleiss_kappa(judgments)
