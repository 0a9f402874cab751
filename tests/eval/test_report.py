"""build_report on a hand-made store-shaped fixture: two configs, two query types, one unjudged query."""

import json

import pandas as pd
import pytest

from eval.report import build_report

# Graded labels of two raters. q1 (text): a 4,4; b 2,0; c 3,3. q2 (pivot): a 3; d 1,1. q3: nothing.
LABELS = [("q1", "text", "a", "r1", 4), ("q1", "text", "a", "r2", 4),
          ("q1", "text", "b", "r1", 2), ("q1", "text", "b", "r2", 0),
          ("q1", "text", "c", "r1", 3), ("q1", "text", "c", "r2", 3),
          ("q2", "pivot", "a", "r1", 3),
          ("q2", "pivot", "d", "r1", 1), ("q2", "pivot", "d", "r2", 1)]
RUNS = {"A": {"q1": ["b", "a", "c"], "q2": ["d", "x", "a"], "q3": ["a"]},
        "B": {"q1": ["a", "c", "b"], "q2": ["a", "d"], "q3": ["a"]}}
TYPES = {"q1": "text", "q2": "pivot", "q3": "text"}


def judgments(mode="graded"):
    frame = pd.DataFrame(LABELS, columns=["query_id", "query_type", "item_id", "rater_id", "label"])
    return frame.assign(simulated=False, mode=mode, seconds_spent=1.0)


def runs():
    rows = [(config, 1, q, TYPES[q], item, rank, 1.0 / rank)
            for config, queries in RUNS.items() for q, items in queries.items()
            for rank, item in enumerate(items, start=1)]
    return pd.DataFrame(rows, columns=["config_name", "run_id", "query_id", "query_type", "item_id", "rank", "score"])


def report(**kwargs):
    options = dict(configs=["A", "B"], measures=["P@2", "recip_rank", "relevance@3"], seed=0, resamples=2_000)
    options.update(kwargs)
    return build_report(runs(), judgments(), **options)


def test_means_per_config_and_query_type():
    result = report()
    assert result.groups == ("all", "pivot", "text")
    a, b = result.summary("A"), result.summary("B")
    assert a.n_queries == b.n_queries == 2  # q3 has no judgment: skipped
    assert a.means["P@2"] == (1 / 2 + 0 / 2) / 2  # q1: b (1), a (4); q2: d (1), x (unjudged)
    assert b.means["P@2"] == (2 / 2 + 1 / 2) / 2
    assert a.means["recip_rank"] == (1 / 2 + 1 / 3) / 2
    assert a.means["relevance@3"] == ((1 + 4 + 3) / 3 + (1 + 3) / 2) / 2  # b's mean grade (2 + 0) / 2 = 1
    assert result.summary("A", "text").means["P@2"] == 1 / 2
    assert result.summary("B", "pivot").means["recip_rank"] == 1.0
    assert a.coverage == {"judged@2": (2 / 2 + 1 / 2) / 2, "judged@3": (3 / 3 + 2 / 3) / 2}
    assert result.skipped == {"A": 1, "B": 1}


@pytest.mark.parametrize("how, grade_of_q1_b", [("mean", (2 + 0) / 2), ("median", (2 + 0) / 2), ("majority", 0)])
def test_aggregation_reaches_the_metrics(how, grade_of_q1_b):
    result = report(aggregate=how)
    assert result.summary("A", "text").means["relevance@3"] == (grade_of_q1_b + 4 + 3) / 3


def test_relevance_level_is_a_parameter():
    assert report(relevance_level=1).summary("A").means["P@2"] == (2 / 2 + 1 / 2) / 2


def test_comparison_of_two_configs():
    result = report()
    p_at_2 = result.comparison("P@2")
    assert (p_at_2.baseline, p_at_2.candidate) == ("A", "B")
    assert p_at_2.result.mean_delta == ((1 - 1 / 2) + (1 / 2 - 0)) / 2
    assert p_at_2.result.n_queries == 2
    assert p_at_2.result.ci_low <= p_at_2.result.mean_delta <= p_at_2.result.ci_high
    assert p_at_2.judged_fraction == (2 + 1 + 2 + 2) / (2 + 2 + 2 + 2)  # top 2 of both configs, q1 and q2
    assert not p_at_2.low_coverage
    assert result.comparison("P@2", "text").result.n_queries == 1


def test_identical_configs_give_delta_zero_and_p_one():
    frame = runs()
    frame = pd.concat([frame[frame.config_name == "A"], frame[frame.config_name == "A"].assign(config_name="C")])
    result = build_report(frame, judgments(), configs=["A", "C"], measures=["P@2", "recip_rank"], resamples=500)
    for comparison in result.comparisons:
        assert comparison.result.mean_delta == 0.0 and comparison.result.p_value == 1.0


def test_low_coverage_is_flagged_and_warned():
    frame = runs()
    deep = pd.DataFrame([(c, 1, "q1", "text", f"new{i}", 10 + i, 0.0) for c in ("A", "B") for i in range(8)],
                        columns=frame.columns)
    result = build_report(pd.concat([frame, deep]), judgments(), configs=["A", "B"], measures=["P@10"], resamples=200)
    assert result.comparison("P@10", "text").low_coverage  # q1: 3 of 11 shown results judged
    assert any("judged@10" in w and "text" in w for w in result.warnings)
    assert "(!) only" in result.to_text()


def test_binary_labels_use_level_one():
    binary = judgments("binary").assign(label=lambda f: (f["label"] >= 3).astype(int))
    result = build_report(runs(), binary, configs=["A"], measures=["P@2"], relevance_level=3)
    assert result.relevance_level == 1.0
    assert result.summary("A").means["P@2"] == (1 / 2 + 0) / 2


def test_mixed_modes_are_refused():
    mixed = pd.concat([judgments(), judgments("binary")])
    with pytest.raises(ValueError, match="mix the modes"):
        build_report(runs(), mixed, configs=["A"], measures=["P@2"])


def test_unknown_config_and_measure_are_named():
    with pytest.raises(ValueError, match="no run of config 'Z'; configs with runs: A, B"):
        report(configs=["A", "Z"])
    with pytest.raises(ValueError, match="unknown measure 'nope'"):
        report(measures=["nope@3"])


def test_no_judgment_at_all_says_what_to_do():
    with pytest.raises(ValueError, match="label some results first"):
        build_report(runs(), judgments().iloc[:0], configs=["A"], measures=["P@2"])


def test_to_dict_is_json_and_to_text_is_a_table():
    result = report()
    data = json.loads(json.dumps(result.to_dict()))
    assert data["configs"] == ["A", "B"] and data["skipped_queries"] == {"A": 1, "B": 1}
    row = next(c for c in data["comparisons"] if c["group"] == "all" and c["measure"] == "P@2")
    assert row["mean_delta"] == 0.5 and 0 <= row["p_value"] <= 1
    text = result.to_text()
    line = next(l for l in text.splitlines() if l.startswith("all") and " P@2 " in l)
    assert line.split()[2:4] == ["0.2500", "0.7500"] and "+0.5000 [" in line and "p=" in line
    header = text.splitlines()[1]
    assert header.index("A ") == line.index("0.2500")  # columns line up


def test_same_seed_same_report():
    first, second = report(seed=3).to_dict(), report(seed=3).to_dict()
    assert first == second


def many_queries_report(n: int, **kwargs):
    """n text queries where B puts the one relevant item first and A puts it second: P@1 improves on every query."""
    labels = pd.DataFrame([(f"q{i}", "text", "good", "r1", 4) for i in range(n)] +
                          [(f"q{i}", "text", "bad", "r1", 0) for i in range(n)],
                          columns=["query_id", "query_type", "item_id", "rater_id", "label"])
    labels = labels.assign(simulated=False, mode="graded", seconds_spent=1.0)
    rows = [(config, 1, f"q{i}", "text", item, rank, 1.0 / rank)
            for i in range(n) for config, items in (("A", ["bad", "good"]), ("B", ["good", "bad"]))
            for rank, item in enumerate(items, start=1)]
    run_frame = pd.DataFrame(rows, columns=["config_name", "run_id", "query_id", "query_type", "item_id", "rank",
                                            "score"])
    options = dict(configs=["A", "B"], measures=["P@1", "P@2", "recip_rank"], seed=0, resamples=2_000)
    return build_report(run_frame, labels, **{**options, **kwargs})


def test_holm_spans_every_comparison_of_the_report():
    from eval.multiple_testing import holm_adjust

    result = report()
    raw = [c.result.p_value for c in result.comparisons]
    assert [c.p_adjusted for c in result.comparisons] == pytest.approx(list(holm_adjust(raw)), nan_ok=True)
    assert len(result.comparisons) == 3 * 3  # three measures in all, pivot and text
    assert result.method.comparisons == 9


def test_a_delta_on_every_query_is_marked_significant_and_no_delta_is_not():
    result = many_queries_report(12)
    p1, p2 = result.comparison("P@1"), result.comparison("P@2")
    # Every delta is +1: a sign flip reaches it with chance 2 / 2**12, about 1 in 2,000 permutations.
    assert p1.result.mean_delta == 1.0 and p1.result.p_value < 0.005
    assert p1.significant and p1.p_adjusted <= 0.05 and p1.describe().endswith(" *")
    assert p2.result.mean_delta == 0.0 and not p2.significant and not p2.describe().endswith("*")
    text = result.to_text()
    assert "Holm–Bonferroni over the table's 6 comparisons" in text


def test_a_smaller_alpha_marks_fewer():
    assert many_queries_report(12).comparison("P@1").significant
    assert not many_queries_report(12, alpha=1e-6).comparison("P@1").significant
    with pytest.raises(ValueError, match="alpha must be between 0 and 1"):
        many_queries_report(3, alpha=0)


def test_the_method_is_stated_with_the_numbers():
    method = report(resamples=1_234, seed=7).to_dict()["method"]
    assert method["resamples"] == 1_234 and method["seed"] == 7 and method["correction"] == "Holm–Bonferroni"
    assert method["interval"] == "percentile bootstrap" and "randomization" in method["test"]
    assert method["level_measures"] == ["P@2", "recip_rank"] and method["relevance_level"] == 3
    assert "mean grade >= 3" in method["text"][3] and "1,234 resamples" in method["text"][0]
    binary = build_report(runs(), judgments("binary").assign(label=lambda f: (f["label"] >= 3).astype(int)),
                          configs=["A", "B"], measures=["P@2"], resamples=100)
    assert binary.method.binary_labels and "label 1 (binary judgments)" in binary.method.threshold()


def test_one_config_has_no_method():
    assert report(configs=["A"]).to_dict()["method"] is None
