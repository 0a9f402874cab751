"""Training examples for the relevance model: (query text with the reference's reading, item text) -> grade.

A judgment links to its pair through its task: the store's `judgments_frame()` gives the latest label per
(task, rater) with the task's query_id and item_id. Each pair keeps every rater's latest label: the teacher
trains on their distribution (per-judgment cross-entropy, one weight per pair), and `label` is the lower
median, used where one grade is needed. Queries, not pairs, are split into train and held out, by seed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

GRADES = 5  # labels 0..4
MIN_JUDGMENTS = 200
SOURCES = ("human", "simulated", "all")
HELD_OUT_FRACTION = 0.2


class TrainingDataError(ValueError):
    """Judgments that cannot train the relevance model (too few, one grade only, unknown source)."""


def format_query(text: str | None, reference_attributes: Mapping[str, str]) -> str:
    """The teacher's query side: "in red | reference: blue striped shirt" (the text alone without a reference)."""
    text = (text or "").strip()
    reading = " ".join(str(v) for _, v in sorted(reference_attributes.items()))
    return f"{text} | reference: {reading}" if reading else text


def select_source(judgments: pd.DataFrame, source: str) -> pd.DataFrame:
    """Graded judgments of human raters, of simulated ones (the `simulated` column), or all."""
    if source not in SOURCES:
        raise TrainingDataError(f"unknown judgment source {source!r}; known: {', '.join(SOURCES)}")
    frame = judgments[judgments["mode"] == "graded"] if "mode" in judgments else judgments
    if source == "human":
        frame = frame[~frame["simulated"].astype(bool)]
    elif source == "simulated":
        frame = frame[frame["simulated"].astype(bool)]
    return frame.reset_index(drop=True)


def check_trainable(judgments: pd.DataFrame, *, source: str = "all", minimum: int = MIN_JUDGMENTS) -> None:
    """Refuse too few judgments or a single grade, saying what was found and what is needed."""
    if len(judgments) < minimum:
        raise TrainingDataError(
            f"found {len(judgments)} graded judgments (source {source!r}); training the relevance model needs at "
            f"least {minimum}: judge more pools (`workbench raters ...`) or pick --source all")
    grades = sorted(set(int(g) for g in judgments["label"]))
    if len(grades) == 1:
        raise TrainingDataError(
            f"every one of the {len(judgments)} judgments has grade {grades[0]}; a relevance model needs at least "
            "two different grades: judge more varied results")


def lower_median(labels) -> int:
    """The lower median of integer labels (3, 4 -> 3), so an even count never invents a grade."""
    ordered = sorted(int(x) for x in labels)
    return ordered[(len(ordered) - 1) // 2]


def held_out_queries(query_ids, fraction: float = HELD_OUT_FRACTION, seed: int = 0) -> set[str]:
    """A seeded share of the distinct queries (at least one, and at least one left to train on)."""
    ids = sorted(set(query_ids))
    if len(ids) < 2:
        raise TrainingDataError(f"judgments cover {len(ids)} query; a held-out split by query needs at least 2")
    n = min(len(ids) - 1, max(1, round(fraction * len(ids))))
    order = np.random.default_rng(seed).permutation(len(ids))
    return {ids[i] for i in order[:n]}


@dataclass
class Examples:
    """One row per judged (query, item) pair; `distribution` rows are the raters' label shares."""

    frame: pd.DataFrame  # query_id, item_id, query_text, item_text, label, n_judgments, held_out
    distribution: np.ndarray  # (n, GRADES) float32

    def part(self, held_out: bool) -> Examples:
        mask = (self.frame["held_out"] == held_out).to_numpy()
        return Examples(self.frame[mask].reset_index(drop=True), self.distribution[mask])

    def __len__(self) -> int:
        return len(self.frame)


def build_examples(judgments: pd.DataFrame, query_texts: Mapping[str, str], item_texts: Mapping[str, str], *,
                   source: str = "all", minimum: int = MIN_JUDGMENTS, held_out_fraction: float = HELD_OUT_FRACTION,
                   seed: int = 0) -> Examples:
    """Pairs from the latest judgments of the chosen source, with texts, label distribution and split."""
    frame = select_source(judgments, source)
    check_trainable(frame, source=source, minimum=minimum)
    missing = sorted(set(frame["query_id"]) - set(query_texts))
    if missing:
        raise TrainingDataError(f"no query text for {len(missing)} judged queries (e.g. {missing[0]!r}); "
                                "pass every judged query's formatted text")
    held = held_out_queries(frame["query_id"], held_out_fraction, seed)
    rows, dist = [], []
    for (query_id, item_id), group in frame.groupby(["query_id", "item_id"], sort=True):
        counts = np.bincount(group["label"].astype(int), minlength=GRADES)[:GRADES]
        rows.append({"query_id": query_id, "item_id": item_id, "query_text": query_texts[query_id],
                     "item_text": item_texts.get(item_id) or "", "label": lower_median(group["label"]),
                     "n_judgments": len(group), "held_out": query_id in held})
        dist.append(counts / counts.sum())
    return Examples(pd.DataFrame(rows), np.asarray(dist, np.float32).reshape(-1, GRADES))
