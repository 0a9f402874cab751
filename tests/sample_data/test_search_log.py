"""The simulated search log: Zipf queries, sessions with refinements, position-biased engagement."""

import datetime as dt
import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sample_data import search_log as sl
from sample_data.search_log import IMPRESSIONS_SCHEMA, SEARCHES_SCHEMA, engagement, simulate_search_log
from sample_data.spec import sample_products
from sample_data.vocabulary import load_vocabulary

VOCAB = load_vocabulary()
N_PRODUCTS, N_SEARCHES, SEED = 3000, 30000, 13
WINDOW_END = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def products():
    return sample_products(N_PRODUCTS, SEED)


@pytest.fixture(scope="module")
def log(products):
    return simulate_search_log(products, SEED, N_SEARCHES)


@pytest.fixture(scope="module")
def searches(log):
    return log.searches.to_pandas()


@pytest.fixture(scope="module")
def impressions(log, searches, products):
    """Impressions with each item's relevance to its search's intent, judged from the true attributes."""
    attrs = {p.item_id: p.attributes() for p in products}
    intent = dict(zip(searches["search_id"], searches["intent"].map(json.loads)))
    frame = log.impressions.to_pandas()

    def grade(search_id, item_id):
        want, have = intent[search_id], attrs[item_id]
        if have["category"] != want["category"]:
            return "off-category"
        matched = all(have[f] == v for f, v in want.items())
        return "full" if matched else "partial"

    frame["relevance"] = [grade(s, i) for s, i in zip(frame["search_id"], frame["item_id"])]
    return frame


def test_schemas_and_sizes(log):
    assert log.searches.schema == SEARCHES_SCHEMA
    assert log.impressions.schema == IMPRESSIONS_SCHEMA
    assert log.searches.num_rows == N_SEARCHES
    assert log.impressions.num_rows == 10 * N_SEARCHES
    assert log.searches.column("search_id").to_pylist() == list(range(N_SEARCHES))
    positions = np.asarray(log.impressions.column("position")).reshape(N_SEARCHES, 10)
    assert (positions == np.arange(1, 11)).all()
    items = np.asarray(log.impressions.column("item_id")).reshape(N_SEARCHES, 10)
    assert all(len(set(row)) == 10 for row in items[:2000])


def test_deterministic_for_a_seed(products):
    a = simulate_search_log(products[:300], 1, 2000)
    b = simulate_search_log(products[:300], 1, 2000)
    c = simulate_search_log(products[:300], 2, 2000)
    assert a.searches.equals(b.searches) and a.impressions.equals(b.impressions)
    assert not a.searches.equals(c.searches)


def test_queries_are_zipf_like(searches):
    counts = searches["query"].value_counts()
    assert counts.iloc[0] > 100 * counts.median()
    assert (counts == 1).sum() > 0.5 * len(counts)
    assert counts.iloc[:10].sum() > 0.2 * N_SEARCHES
    ranks = np.arange(1, 101)
    slope = np.polyfit(np.log(ranks), np.log(counts.iloc[:100].to_numpy()), 1)[0]
    assert -1.5 < slope < -0.7


def test_intents_are_vocabulary_tuples_the_query_expresses(searches):
    intents = searches["intent"].map(json.loads)
    sizes = intents.map(len)
    assert sizes.min() == 1 and sizes.max() == 4
    assert (sizes > 2).sum() > 0.05 * N_SEARCHES  # a compositional tail exists
    for intent in intents.iloc[:3000]:
        assert "category" in intent
        for family, value in intent.items():
            assert value in VOCAB.family(family).names
    # Queries spell the intent with synonyms and word orders, yet usually name the category.
    def names_category(query, intent):
        synonyms = VOCAB.family("category").value(intent["category"]).synonyms
        return any(form in query or form.rstrip("f") in query for form in synonyms)  # "scarf" -> "scarves"

    named = sum(names_category(q, i) for q, i in zip(searches["query"], intents))
    assert named > 0.9 * N_SEARCHES
    assert searches.groupby("intent")["query"].nunique().max() > 3


def test_engagement_kernel_follows_its_formula():
    """One search, positions 1 and 4: a full match and an off-category item, uniforms either side of P."""
    relevance = np.array([[1.0, 0.5, 0.5, -1.0]])
    p_click = np.array([
        1.0 * (sl.ATTRACT_BASE + sl.ATTRACT_GAIN),
        2 ** -sl.EXAMINE_POWER * (sl.ATTRACT_BASE + sl.ATTRACT_GAIN * 0.5),
        3 ** -sl.EXAMINE_POWER * (sl.ATTRACT_BASE + sl.ATTRACT_GAIN * 0.5),
        4 ** -sl.EXAMINE_POWER * sl.ATTRACT_OFF_CATEGORY,
    ])
    just_below = np.stack([p_click - 1e-9, np.zeros(4), np.ones(4) - 1e-9])[:, None, :]
    clicked, long_click, saved = engagement(relevance, just_below)
    assert clicked.tolist() == [[True, True, True, True]]
    assert long_click.all() and not saved.any()
    just_above = np.stack([p_click + 1e-9, np.zeros(4), np.zeros(4)])[:, None, :]
    clicked, long_click, saved = engagement(relevance, just_above)
    assert not clicked.any() and not long_click.any() and not saved.any()


def test_click_rate_falls_with_position_at_equal_relevance(impressions):
    full = impressions[impressions["relevance"] == "full"].groupby("position")["clicked"].mean()
    assert full[1] > full[5] > full[10]


def test_click_rate_rises_with_relevance_at_equal_position(impressions):
    rate = impressions.groupby(["position", "relevance"])["clicked"].agg(["mean", "size"]).unstack()
    for position in range(1, 11):
        row = rate.loc[position]
        assert row[("mean", "full")] > row[("mean", "off-category")], position
        if row[("size", "partial")] >= 500:
            assert row[("mean", "full")] > row[("mean", "partial")] > row[("mean", "off-category")], position


def test_long_clicks_and_saves_only_follow_clicks(impressions):
    assert not (impressions["long_click"] & ~impressions["clicked"]).any()
    assert not (impressions["saved"] & ~impressions["clicked"]).any()
    clicked = impressions[impressions["clicked"]]
    saved = clicked.groupby(clicked["relevance"] == "full")["saved"].mean()
    assert saved[True] > saved[False] > 0


def test_timestamps_lie_in_the_window_and_increase_within_sessions(searches):
    ts = searches["ts"]
    assert ts.min() >= WINDOW_END - dt.timedelta(days=60)
    assert ts.max() < WINDOW_END
    assert ts.is_monotonic_increasing  # search ids follow time
    per_session = searches.sort_values("search_id").groupby("session_id")["ts"]
    assert (per_session.diff().dropna() > dt.timedelta(0)).all()
    # Enough spread for a held-out window: the last week holds roughly its share of searches.
    last_week = (ts >= WINDOW_END - dt.timedelta(days=7)).mean()
    assert 0.05 < last_week < 0.2


def test_refinements_point_to_an_earlier_search_of_the_same_session(searches):
    refined = searches[searches["refined_from"].notna()]
    parents = searches.set_index("search_id").loc[refined["refined_from"].astype(int)]
    assert (refined["refined_from"].to_numpy() < refined["search_id"].to_numpy()).all()
    assert (parents["session_id"].to_numpy() == refined["session_id"].to_numpy()).all()
    share = refined["session_id"].nunique() / searches["session_id"].nunique()
    assert 0.18 < share < 0.32
    # A refinement adds or changes one attribute (or switches to a related category).
    children, parents = refined["intent"].iloc[:2000].map(json.loads), parents["intent"].iloc[:2000].map(json.loads)
    for child, parent in zip(children, parents):
        changed = {f for f in child.keys() | parent.keys() if child.get(f) != parent.get(f)}
        assert len(changed) == 1, (parent, child)


def test_write_round_trips(log, tmp_path):
    folder = log.write(tmp_path)
    assert folder == tmp_path / "search_log"
    # Parquet has no seconds unit, so the file holds whole seconds as timestamp[ms].
    read = pq.read_table(folder / "searches.parquet")
    assert read.schema.field("ts").type == pa.timestamp("ms", tz="UTC")
    assert read.cast(SEARCHES_SCHEMA).equals(log.searches)
    assert pq.read_table(folder / "impressions.parquet").equals(log.impressions)


def test_bad_arguments(products):
    with pytest.raises(ValueError, match="-1"):
        simulate_search_log(products, 1, -1)
    with pytest.raises(ValueError, match="empty catalog"):
        simulate_search_log([], 1, 5)
    empty = simulate_search_log(products, 1, 0)
    assert empty.searches.num_rows == 0 and empty.searches.schema == SEARCHES_SCHEMA
    assert isinstance(empty.impressions, pa.Table) and empty.impressions.num_rows == 0
