import datetime as dt

import numpy as np
import pandas as pd
import pytest

from engine.index.engagement import load_engagement
from engine.models.engagement.data import FEATURES, feature_block, item_priors, load_log, time_split
from engine.models.engagement.errors import EngagementDataError


def write_log(folder, held_out_engaged=True, seed=0):
    rng = np.random.default_rng(seed)
    start = dt.datetime(2026, 9, 1, tzinfo=dt.timezone.utc)
    searches = pd.DataFrame({"search_id": np.arange(20), "session_id": np.arange(20),
                             "ts": [start + dt.timedelta(hours=h) for h in range(20)],
                             "query": [" Red Dress " if i % 2 else "blue shirt" for i in range(20)],
                             "intent": ["{}"] * 20, "refined_from": [np.nan] * 20})
    rows = [(s, p, f"p{rng.integers(0, 6)}", *(rng.random(3) < (0.5, 0.3, 0.2))) for s in range(20) for p in (1, 2, 3)]
    imp = pd.DataFrame(rows, columns=["search_id", "position", "item_id", "clicked", "long_click", "saved"])
    if not held_out_engaged:
        imp.loc[imp.search_id >= 17, ["long_click", "saved"]] = False
    folder.mkdir(parents=True, exist_ok=True)
    searches.to_parquet(folder / "searches.parquet")
    imp.to_parquet(folder / "impressions.parquet")
    return folder


def test_label_is_long_click_or_save_and_queries_are_normalised(tmp_path):
    log = load_log(write_log(tmp_path / "log"))
    assert len(log) == 60 and set(log["query"]) == {"red dress", "blue shirt"}
    assert (log["engaged"] == (log["long_click"] | log["saved"])).all()
    assert log["ts"].is_monotonic_increasing


def test_item_priors_equal_the_index_coec(tmp_path):
    folder = write_log(tmp_path / "log")
    priors = item_priors(load_log(folder))
    oracle = load_engagement(folder)
    assert set(priors) == set(oracle)
    for item, (n, rate) in priors.items():
        assert n == oracle[item].impressions and rate == pytest.approx(oracle[item].rate, rel=1e-12)


def test_time_split_holds_out_the_latest_searches(tmp_path):
    train, held = time_split(load_log(write_log(tmp_path / "log")), 0.15)
    assert train["ts"].max() < held["ts"].min()
    assert held["search_id"].nunique() == 3  # 20 searches, the last 15% by time


def test_held_out_without_engagements_is_refused(tmp_path):
    log = load_log(write_log(tmp_path / "log", held_out_engaged=False))
    with pytest.raises(EngagementDataError, match="held-out window .* has no engagements"):
        time_split(log, 0.15)


def test_missing_log_files_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="searches.parquet"):
        load_log(tmp_path)


def test_feature_block_columns():
    x = feature_block([0.1], [0.2], [0.3], [0.5], [np.e - 1], [1.0])
    assert x.shape == (1, len(FEATURES))
    np.testing.assert_allclose(x[0], [0.1, 0.2, 0.3, 0.5, 1.0, 0.0])
