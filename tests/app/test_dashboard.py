"""Dashboard page under AppTest: role guard, helpful empty state, and a populated store's metrics and downloads."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from labels import ConfigRecord, QueryRecord, Rater, RunResult, open_store

PAGES = Path(__file__).parents[2] / "workbench" / "app_pages"
TIMEOUT = 60
# Two configs over three queries; raters label an item 3 when its name ends in "good", else 0 (r2 agrees, r3 +1).
RANKINGS = {
    "baseline": {"q1": ["a-good", "b", "c"], "q2": ["d", "e-good", "f"], "q3": ["g", "h", "i-good"]},
    "full": {"q1": ["a-good", "x-good", "c"], "q2": ["e-good", "d", "y"], "q3": ["i-good", "g-good", "h"]},
}


def label_of(item_id: str, rater_id: str) -> int:
    return (3 if item_id.endswith("good") else 0) + (1 if rater_id == "r3" else 0)


def populate(path: Path) -> None:
    """Queries of three types, both configs' runs, a graded pool judged by three raters."""
    with open_store(path) as store:
        store.add_query_set("qs", "three queries")
        store.add_queries([QueryRecord("q1", "qs", "pivot", "in red", "p000001"),
                           QueryRecord("q2", "qs", "text", "red dress"),
                           QueryRecord("q3", "qs", "descriptor", "same color", "p000002")])
        for name, by_query in RANKINGS.items():
            config = ConfigRecord(name, f"hash-{name}", f'{{"name": "{name}"}}')
            for query_id, items in by_query.items():
                results = [RunResult(r, item, 1.0 - 0.1 * r) for r, item in enumerate(items, start=1)]
                store.record_run(config, query_id, results, model_version="m", index_version="i")
        store.build_task_pool("qs", list(RANKINGS), k=3, overlap=3, mode="graded", seed=0)
        raters = ("r1", "r2", "r3")
        for rater_id in raters:
            store.add_rater(rater_id, rater_id.upper())
        with store._read() as con:
            tasks = con.execute("SELECT task_id, item_id FROM tasks ORDER BY task_id").fetchall()
        store.bulk_insert_judgments(pd.DataFrame(
            [{"task_id": t, "rater_id": r, "label": label_of(item, r), "seconds_spent": 2.0}
             for t, item in tasks for r in raters]))


def page(name: str, monkeypatch, home: Path, rater: Rater | None = None) -> AppTest:
    """The page over `home`; with a rater, as that rater signed in under --auth password (else --auth none)."""
    monkeypatch.setenv("WORKBENCH_HOME", str(home))
    monkeypatch.setenv("WORKBENCH_AUTH", "password" if rater else "none")
    at = AppTest.from_file(str(PAGES / name), default_timeout=TIMEOUT)
    if rater is not None:
        seat(home, rater)
        at.session_state["signed_in_rater"] = rater
    return at


def seat(home: Path, rater: Rater) -> None:
    """Register the rater (with a secret) in the workspace's store: every page load re-reads the signed-in rater
    from the store (workbench.sessions), so a rater the store lacks is signed out."""
    from labels import open_store

    with open_store(Path(home) / "judgments.duckdb") as store:
        if rater.rater_id not in {r.rater_id for r in store.raters()}:
            store.add_rater(rater.rater_id, rater.name, role=rater.role, password="a-test-secret")


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    """The one dataframe shown with this column (AppTest finds dataframes by position, not key)."""
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(frames) == 1, f"{len(frames)} dataframes have a column {column!r}"
    return frames[0]


def person(role: str) -> Rater:
    return Rater(f"{role}-1", role.title(), role, False, datetime(2026, 1, 1, tzinfo=timezone.utc))


@pytest.fixture
def populated(tmp_path) -> Path:
    populate(tmp_path / "judgments.duckdb")
    return tmp_path


def test_an_empty_store_shows_an_empty_state(monkeypatch, tmp_path):
    at = page("dashboard.py", monkeypatch, tmp_path).run()
    assert not at.exception
    assert "judgment store is empty" in at.info[0].value and "workbench demo" in at.info[0].value
    assert not at.dataframe


@pytest.mark.parametrize("role", ["researcher", "admin"])
def test_a_populated_store_shows_metrics_agreement_and_downloads(monkeypatch, populated, role):
    at = page("dashboard.py", monkeypatch, populated, person(role)).run()
    assert not at.exception
    assert [m.value for m in at.metric][:4] == ["36", "3", "3", "2"]  # 12 pooled tasks (4 per query) x 3 raters
    table = frame_with(at, "query type").set_index(["config", "query type"])
    # baseline has one good item in each top 3; full has two in q1 and q3 and one in q2 (mean grade >= 3).
    assert table.loc[("baseline", "all"), "P@10"] == pytest.approx(1 / 10)
    assert table.loc[("full", "all"), "P@10"] == pytest.approx((2 + 1 + 2) / 3 / 10)
    assert set(table.index.get_level_values("query type")) == {"all", "pivot", "text", "descriptor"}
    raters = frame_with(at, "median_seconds").set_index("rater_id")
    assert raters.loc["r3", "judgments"] == 12
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["TREC qrels", "TREC run", "Judgments CSV", "Per-query metrics CSV"]


def test_a_rater_sees_the_guard_and_nothing_else(monkeypatch, populated):
    at = page("dashboard.py", monkeypatch, populated, person("rater")).run()
    assert not at.exception
    assert "Not allowed" in at.error[0].value and "researcher" in at.error[0].value
    assert not at.title and not at.metric and not at.dataframe and not at.selectbox


def test_the_relevance_model_section_says_how_to_train_it_when_absent(monkeypatch, populated):
    at = page("dashboard.py", monkeypatch, populated, person("researcher")).run()
    assert not at.exception
    assert any("workbench train relevance" in c.value for c in at.caption)
    assert not [b for b in at.button if b.key == "dashboard_model_agreement"]  # nothing to compute without a model


def downloads(monkeypatch) -> dict[str, bytes]:
    """file name -> bytes of every download button the page renders (recorded as Streamlit stores them)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    files, original = {}, MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        if filename is not None:
            files[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return files


@pytest.fixture
def with_gold_comments_and_preferences(populated) -> Path:
    """populated, plus a gold task judged only by g1 (with a comment), r1's comment and one blind preference."""
    with open_store(populated / "judgments.duckdb") as store:
        store.add_gold("q1", "decoy", 0, note="a decoy")
        store.build_task_pool("qs", list(RANKINGS), k=3, overlap=3, gold_rate=0.5, seed=1)
        with store._read() as con:
            gold_task = con.execute("SELECT task_id FROM tasks WHERE is_gold").fetchone()[0]
            ordinary = con.execute("SELECT task_id, item_id FROM tasks WHERE NOT is_gold ORDER BY task_id").fetchone()
        store.add_rater("g1", "G1")
        store.record_judgment(gold_task, "g1", 2, seconds_spent=5.0, comment="the decoy looks relevant")
        store.record_judgment(ordinary[0], "r1", label_of(ordinary[1], "r1"), seconds_spent=2.0, comment="cropped")
        store.record_preference("q1", "r1", "hash-baseline", "hash-full", "right", 4.0)
        store.record_preference("q2", "r2", "hash-full", "hash-baseline", "tie", 4.0)
    return populated


def test_a_gold_only_rater_comments_and_preferences_are_shown(monkeypatch, with_gold_comments_and_preferences):
    at = page("dashboard.py", monkeypatch, with_gold_comments_and_preferences, person("researcher")).run()
    assert not at.exception
    raters = frame_with(at, "gold_judgments").set_index("rater_id")
    assert list(raters.index) == ["g1", "r1", "r2", "r3"]
    assert raters.loc["g1", ["judgments", "gold_judgments", "n_gold", "comments"]].tolist() == [0, 1, 1, 1]
    assert raters.loc["g1", "accuracy"] == 0.0 and raters.loc["g1", "mean_abs_error"] == 2.0
    assert raters.loc["r1", "judgments"] == 12 and raters.loc["r1", "comments"] == 1
    comments = frame_with(at, "comment")
    assert set(zip(comments["rater_id"], comments["comment"], comments["gold"])) == {
        ("g1", "the decoy looks relevant", True), ("r1", "cropped", False)}
    tally = frame_with(at, "win_rate").set_index("config")
    assert tally.loc["full", ["comparisons", "wins", "losses", "ties"]].tolist() == [2, 1, 0, 1]
    assert tally.loc["baseline", "win_rate"] == pytest.approx((0 + 1 / 2) / 2)


def test_the_judgments_csv_keeps_gold_with_a_flag_and_the_comments(monkeypatch, with_gold_comments_and_preferences):
    import io

    files = downloads(monkeypatch)
    at = page("dashboard.py", monkeypatch, with_gold_comments_and_preferences, person("researcher")).run()
    assert not at.exception
    judgments = pd.read_csv(io.BytesIO(files["judgments.csv"]))
    assert {"comment", "gold"} <= set(judgments.columns)
    assert len(judgments) == 36 + 1 and judgments["gold"].sum() == 1  # 12 tasks x 3 raters, and g1's gold check
    gold_row = judgments[judgments["gold"]].iloc[0]
    assert (gold_row["rater_id"], gold_row["comment"]) == ("g1", "the decoy looks relevant")
    assert judgments.loc[judgments["rater_id"] == "r1", "comment"].dropna().tolist() == ["cropped"]
    preferences = pd.read_csv(io.BytesIO(files["preferences.csv"]))
    assert preferences[["left_config", "right_config", "preferred_config"]].fillna("").values.tolist() == [
        ["baseline", "full", "full"], ["full", "baseline", ""]]  # a tie prefers neither
