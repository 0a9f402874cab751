"""Enriched text and engagement aggregates, on hand-made inputs."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from engine.index.engagement import LONG_CLICK, PRIOR_EXPECTED, SAVE, coec, load_engagement
from engine.index.enriched_text import enriched_text


def test_enriched_text_joins_every_source_in_a_fixed_order():
    text = enriched_text("Red Dress", "A floral dress.", ["red", "floral"], ["Summer looks"], ["red dress", "sundress"],
                         "a red floral dress on a hanger")
    assert text == ("Red Dress. a red floral dress on a hanger. A floral dress.. tags: red, floral. "
                    "boards: Summer looks. searched as: red dress; sundress")


def test_enriched_text_leaves_out_missing_parts():
    assert enriched_text(None, "  ", [], None) == ""
    assert enriched_text(None, "Only a description", None, None) == "Only a description"


@pytest.fixture
def search_log(tmp_path):
    pq.write_table(pa.table({"search_id": [1, 2, 3], "query": ["Red Dress", "red dress ", "gown"]}),
                   tmp_path / "searches.parquet")
    pq.write_table(pa.table({
        "search_id": [1, 1, 2, 3, 3],
        "position": [1, 2, 1, 1, 2],
        "item_id": ["a", "b", "a", "a", "b"],
        "clicked": [True, False, True, True, False],
        "long_click": [True, False, False, False, False],
        "saved": [False, False, True, False, False],
    }), tmp_path / "impressions.parquet")
    return tmp_path


def test_engagement_counts_rates_and_queries(search_log):
    eng = load_engagement(search_log)
    a, b = eng["a"], eng["b"]
    assert (a.impressions, a.clicks, a.long_clicks, a.saves) == (3, 3, 1, 1)
    # position 1 only ever shows a (w = 1+2, 1+3, 1: mean 8/3), so a is exactly as engaging as expected there
    weighted = 3 * 1 + 1 * LONG_CLICK + 1 * SAVE
    assert weighted == 8
    assert a.rate == pytest.approx((weighted + PRIOR_EXPECTED) / (3 * 8 / 3 + PRIOR_EXPECTED)) == pytest.approx(1.0)
    # "Red Dress" and "red dress " are one query (case and spaces); it engaged 1+2 + 1+3 = 7 > gown's 1
    assert a.queries == ("red dress", "gown")
    assert (b.impressions, b.clicks, b.queries) == (2, 0, ())
    assert b.rate == pytest.approx(1.0)  # nothing expected at position 2, nothing observed: the prior, 1.0


def test_coec_discounts_engagement_earned_at_high_positions():
    # 4 engagements where 4 were expected is average (1.0); the same 4 where 1 was expected is strong
    assert coec(4, 4) == pytest.approx(1.0)
    assert coec(4, 1) == pytest.approx((4 + PRIOR_EXPECTED) / (1 + PRIOR_EXPECTED))
    assert coec(0, 0) == 1.0
    with pytest.raises(ValueError, match="observed=-1"):
        coec(-1, 0)


def test_a_search_log_folder_without_its_files_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="searches.parquet"):
        load_engagement(tmp_path)
