"""The Dashboard's rater table and comment list, on hand-made frames shaped like the store's."""

from datetime import datetime

import pandas as pd
import pytest

from eval.rater_table import COMMENT_COLUMNS, RATER_COLUMNS, rater_comments, rater_table

# (query, item, rater, label, seconds, comment, gold); r3 judged only a gold task.
ROWS = [("q1", "a", "r1", 3, 2.0, None, False), ("q1", "a", "r2", 1, 4.0, "blurry image", False),
        ("q1", "b", "r1", 4, 6.0, "  ", False), ("q1", "g", "r1", 2, 8.0, None, True),
        ("q1", "g", "r3", 4, 3.0, "too easy", True)]


def judgments():
    frame = pd.DataFrame(ROWS, columns=["query_id", "item_id", "rater_id", "label", "seconds_spent", "comment", "gold"])
    return frame.assign(query_type="text", simulated=False, mode="graded",
                        judged_at=[datetime(2026, 1, 1, 0, i) for i in range(len(frame))])


def gold():
    return pd.DataFrame([("r1", 9, "q1", "g", "graded", 2, 2), ("r3", 9, "q1", "g", "graded", 4, 2)],
                        columns=["rater_id", "task_id", "query_id", "item_id", "mode", "label", "expected_label"])


def test_every_rater_is_listed_and_a_gold_only_rater_too():
    table = rater_table(judgments(), gold()).set_index("rater_id")
    assert tuple(table.reset_index().columns) == RATER_COLUMNS
    assert list(table.index) == ["r1", "r2", "r3"]
    assert table.loc["r1", ["judgments", "gold_judgments", "comments"]].tolist() == [2, 1, 0]  # "  " is no comment
    assert table.loc["r1", "mean_label"] == (3 + 4) / 2  # ordinary tasks only
    assert table.loc["r1", "median_seconds"] == 6.0  # 2, 6 and the gold task's 8
    assert table.loc["r1", "bias"] == 3 - 1 and table.loc["r2", "bias"] == 1 - 3  # on the shared unit (q1, a)
    assert table.loc["r3", ["judgments", "gold_judgments", "comments", "n_units", "n_gold"]].tolist() == [0, 1, 1, 0, 1]
    assert pd.isna(table.loc["r3", "mean_label"]) and pd.isna(table.loc["r3", "bias"])
    assert table.loc["r3", "accuracy"] == 0.0 and table.loc["r3", "mean_abs_error"] == 2.0
    assert table.loc["r1", "accuracy"] == 1.0 and table.loc["r2", "n_gold"] == 0 and pd.isna(table.loc["r2", "accuracy"])


def test_a_rater_in_the_gold_frame_only_is_still_listed():
    table = rater_table(judgments().iloc[:2], gold())
    assert list(table["rater_id"]) == ["r1", "r2", "r3"]


def test_comments_newest_first_gold_included_blank_left_out():
    comments = rater_comments(judgments())
    assert tuple(comments.columns) == COMMENT_COLUMNS
    assert comments[["rater_id", "comment", "gold"]].values.tolist() == [["r3", "too easy", True],
                                                                          ["r2", "blurry image", False]]


def test_judgments_without_the_needed_columns_are_refused():
    with pytest.raises(ValueError, match="lack the columns"):
        rater_table(judgments().drop(columns=["seconds_spent"]), gold())
