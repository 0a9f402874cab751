"""The latency benchmark's aims: which apply at which size, and met or not, from the same run's rows."""

from __future__ import annotations

from benchmarks.bench_search_latency import check_aims


def row(config, items, p50, p95):
    return {"config": config, "items": items, "total_p50": p50, "total_p95": p95}


def test_at_3000_items_only_the_ratio_to_the_baseline_applies():
    aims = check_aims([row("full", 3000, 90.0, 200.0), row("baseline", 3000, 50.0, 80.0)], {})
    assert aims == ["aim full p50 / baseline p50 at 3,000 items (aim at 3,000): 1.80x (aim <= 2x) met"]
    aims = check_aims([row("full", 3000, 110.0, 200.0), row("baseline", 3000, 50.0, 80.0)], {})
    assert aims[0].endswith("2.20x (aim <= 2x) NOT met")


def test_at_100k_the_absolute_aims_and_above_the_exact_limit_the_ann_ones():
    aims = check_aims([row("full", 100_000, 45.0, 120.0)], {})
    assert [a.rsplit(" ", 2)[-2:] for a in aims] == [["ms)", "met"], ["NOT", "met"]]
    aims = check_aims([row("full", 300_000, 140.0, 90.0)], {"image_vec": 0.96, "text_vec": 0.9})
    assert aims[-3].endswith("140.00 ms (aim <= 150 ms) met")
    assert aims[-2] == "aim Recall@10 of image_vec: 0.960 (aim >= 0.95) met"
    assert aims[-1] == "aim Recall@10 of text_vec: 0.900 (aim >= 0.95) NOT met"


def test_without_full_there_is_no_aim():
    assert check_aims([row("baseline", 3000, 50.0, 80.0)], {}) == []
