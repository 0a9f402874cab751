"""Per-rater summaries for the Dashboard: one row for every rater who judged anything, gold tasks included."""

from __future__ import annotations

import numpy as np
import pandas as pd

from eval.agreement import gold_accuracy, rater_bias

RATER_COLUMNS = ("rater_id", "simulated", "judgments", "gold_judgments", "mean_label", "median_seconds", "comments",
                 "n_units", "bias", "n_gold", "accuracy", "mean_abs_error")
COMMENT_COLUMNS = ("judged_at", "rater_id", "query_id", "item_id", "mode", "label", "gold", "comment")


def _has_comment(judgments: pd.DataFrame) -> pd.Series:
    if "comment" not in judgments.columns:
        return pd.Series(False, index=judgments.index)
    return judgments["comment"].fillna("").astype(str).str.strip() != ""


def _is_gold(judgments: pd.DataFrame) -> pd.Series:
    return judgments["gold"].astype(bool) if "gold" in judgments.columns else pd.Series(False, index=judgments.index)


def rater_table(judgments: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """RATER_COLUMNS, one row per rater in either frame, sorted by id.

    `judgments`: the store's judgments_frame(include_gold=True) of one mode; `gold`: its gold_frame() of the same
    mode. Counts, mean label and bias come from ordinary tasks, gold accuracy from gold tasks, so a rater who
    judged only gold tasks is listed with 0 judgments and their accuracy.
    """
    missing = [c for c in ("rater_id", "label", "seconds_spent", "simulated") if c not in judgments.columns]
    if missing:
        raise ValueError(f"judgments lack the columns {missing}; pass the store's judgments_frame(include_gold=True)")
    is_gold = _is_gold(judgments)
    ordinary = judgments[~is_gold]
    frame = judgments.assign(rater_id=judgments["rater_id"].astype(str), gold=is_gold,
                             has_comment=_has_comment(judgments))
    raters = sorted(set(frame["rater_id"]) | set(gold["rater_id"].astype(str)))
    grouped = frame.groupby("rater_id")
    table = pd.DataFrame(index=pd.Index(raters, name="rater_id"))
    table["simulated"] = grouped["simulated"].first().reindex(raters).fillna(False).astype(bool)
    counts = frame.groupby(["rater_id", "gold"]).size().unstack(fill_value=0)
    counts = counts.reindex(index=raters, columns=[False, True])
    table["judgments"] = counts[False].fillna(0).astype(np.int64)
    table["gold_judgments"] = counts[True].fillna(0).astype(np.int64)
    table["mean_label"] = frame[~frame["gold"]].groupby("rater_id")["label"].mean().reindex(raters)
    table["median_seconds"] = grouped["seconds_spent"].median().reindex(raters)
    table["comments"] = grouped["has_comment"].sum().reindex(raters).fillna(0).astype(np.int64)
    table = table.reset_index()
    bias = rater_bias(ordinary) if len(ordinary) else pd.DataFrame(columns=["rater_id", "n_units", "bias"])
    table = table.merge(bias.assign(rater_id=bias["rater_id"].astype(str)), on="rater_id", how="left")
    table["n_units"] = table["n_units"].fillna(0).astype(np.int64)
    accuracy = gold_accuracy(gold)
    table = table.merge(accuracy.assign(rater_id=accuracy["rater_id"].astype(str)), on="rater_id", how="left")
    table["n_gold"] = table["n_gold"].fillna(0).astype(np.int64)
    return table[list(RATER_COLUMNS)]


def rater_comments(judgments: pd.DataFrame) -> pd.DataFrame:
    """COMMENT_COLUMNS of the judgments that carry a comment (gold ones too), newest first."""
    rows = judgments[_has_comment(judgments)]
    rows = rows.assign(gold=_is_gold(rows)) if "gold" not in rows.columns else rows
    return rows.sort_values("judged_at", ascending=False, kind="stable")[list(COMMENT_COLUMNS)].reset_index(drop=True)
