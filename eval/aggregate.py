"""Several raters' labels of one (query, item) made into one grade: mean, median or majority."""

from __future__ import annotations

import numpy as np
import pandas as pd

AGGREGATIONS = ("mean", "median", "majority")
KEY = ["query_id", "item_id"]


def aggregate_judgments(judgments: pd.DataFrame, how: str = "mean") -> pd.DataFrame:
    """One row per (query_id, item_id): `grade` and `n_raters`, from the `label` column.

    mean and median may give fractional grades (median of 2 and 3 is 2.5); majority gives the most
    frequent label and breaks ties towards the lower grade (labels 1, 1, 3, 3 -> 1), the cautious
    reading of a split panel.
    """
    if how not in AGGREGATIONS:
        raise ValueError(f"unknown aggregation {how!r}; choose one of {', '.join(AGGREGATIONS)}")
    missing = [c for c in (*KEY, "label") if c not in judgments.columns]
    if missing:
        raise ValueError(f"judgments lack the columns {missing}; they have {list(judgments.columns)}")
    frame = judgments[[*KEY, "label"]]
    if frame.empty:
        return pd.DataFrame({"query_id": pd.Series(dtype=str), "item_id": pd.Series(dtype=str),
                             "grade": pd.Series(dtype=float), "n_raters": pd.Series(dtype=np.int64)})
    if frame["label"].isna().any():
        raise ValueError("judgments hold a missing label; drop or fix those rows before aggregating")
    grouped = frame.groupby(KEY, sort=True, observed=True)["label"]
    counts = grouped.size().rename("n_raters")
    if how == "mean":
        grade = grouped.mean()
    elif how == "median":
        grade = grouped.median()
    else:
        votes = frame.groupby([*KEY, "label"], sort=False, observed=True).size().rename("votes").reset_index()
        votes = votes.sort_values(["votes", "label"], ascending=[False, True], kind="stable")
        grade = votes.drop_duplicates(KEY).set_index(KEY)["label"]
    out = pd.concat([grade.astype(np.float64).rename("grade"), counts], axis=1).reset_index()
    return out.sort_values(KEY, kind="stable").reset_index(drop=True)
