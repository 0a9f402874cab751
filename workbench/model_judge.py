"""The model as judge: the relevance model grades a pool's pairs, the agreement gate says what a threshold saves
and costs, and applying it stores the confident grades as the judge `model:relevance`, apart from people's.

Shared by `workbench eval judge` / `eval gate` and the Admin page. The kernel is engine/models/relevance/judge_gate.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.models.relevance.judge_gate import (DEFAULT_THRESHOLDS, MAX_TEMPERATURE, GateRow, check_threshold,
                                                fit_temperature, gate_table, temper)

JUDGE = "model:relevance"  # labels.model_judgments.model_judge_id("relevance")
RETRAIN = "workbench train relevance"


@dataclass(frozen=True)
class PoolGrades:
    """The relevance model's calibrated grades of a pool's regular pairs, beside what people said of them."""

    pool_id: int
    pairs: pd.DataFrame  # labels.model_judgments.POOL_PAIR_COLUMNS, gradable pairs only, in task order
    grade: np.ndarray  # (n,) the model's grade 0..4 (its argmax)
    confidence: np.ndarray  # (n,) calibrated probability of that grade
    human_grade: list  # (n,) people's lower-median label where measurable (query unseen in training), else None
    temperature: float  # of the calibration
    calibration_pairs: int  # held-out human-judged pairs the temperature was fitted on
    ungradable: int  # pool pairs whose item is not in the index (left to people)
    checkpoint_sha256: str

    def table(self, thresholds: Sequence[float] = DEFAULT_THRESHOLDS) -> list[GateRow]:
        """The gate's table over thresholds: model pairs, judgments saved, agreement (see judge_gate.gate_row)."""
        return gate_table(thresholds, self.confidence, self.grade, self.human_grade, self.pairs["overlap"].to_numpy(),
                          self.pairs["human_judges"].to_numpy())


@dataclass(frozen=True)
class JudgeReport:
    """What applying the gate at a threshold did."""

    pool_id: int
    threshold: float
    model_pairs: int  # pairs at or above the threshold
    written: int  # model judgments stored now
    unchanged: int  # already stored with the same label and checkpoint
    human_pairs: int  # pairs left to people
    row: GateRow

    def summary(self) -> str:
        return (f"pool {self.pool_id}, threshold {self.threshold:g}: {JUDGE} judges {self.model_pairs} pairs "
                f"({self.written} judgments written, {self.unchanged} already stored), {self.human_pairs} pairs stay "
                f"for human raters; saves {self.row.open_judgments_saved} open human judgments "
                f"({self.row.judgments_saved} of the pool's plan); agreement {agreement_text(self.row)}")


def agreement_text(row: GateRow) -> str:
    """"QWK 0.71, exact 0.62 on 140 pairs" or the reason it is unmeasured."""
    if row.agreement is None:
        return row.unmeasured or "unmeasured"
    a = row.agreement
    qwk = "undefined (one grade only)" if a.qwk is None else f"{a.qwk:.3f}"
    return f"QWK {qwk}, exact {a.accuracy:.3f} on {a.n} pairs humans judged too"


def require_model_file(workspace):
    """The relevance model's checkpoint path, or FileNotFoundError naming the command that trains it."""
    from engine.models.relevance.checkpoint import workspace_student

    path = workspace_student(workspace)
    if not path.is_file():
        raise FileNotFoundError(f"no relevance model in {workspace.root} ({path} is missing); the model judges only "
                                f"once it is trained: run `{RETRAIN} --home {workspace.root}`")
    return path


def load_checked_student(workspace, context):
    """(student, meta) of the workspace, refused with the retrain command when missing or made for another
    catalog, vocabulary or models than this workspace's."""
    from engine.index.columns import TEXT_VEC
    from engine.models.errors import CheckpointError, ModelMismatchError
    from engine.models.relevance.checkpoint import catalog_hash, load_student
    from engine.models.relevance.features import feature_count

    path = require_model_file(workspace)
    remake = f"`{RETRAIN} --home {workspace.root}`"
    try:
        student, meta = load_student(path, data_hash=catalog_hash(context.items))
    except ValueError as exc:  # CheckpointError / ModelMismatchError
        raise type(exc)(f"{exc} ({remake})") from None
    wanted = feature_count(context.searcher(TEXT_VEC).dim)
    mismatches = []
    if wanted != meta.feature_dim:
        mismatches.append(f"{meta.feature_dim} features, this index gives {wanted}")
    vocabulary = getattr(context, "vocabulary", None)
    recorded = getattr(meta, "vocabulary_hash", "")
    if recorded and vocabulary is not None and vocabulary.hash != recorded:
        mismatches.append(f"vocabulary {recorded}, the workspace's is {vocabulary.hash}")
    for what, theirs, ours in (("text model", meta.text_model, _identity(context, "text_encoder")),
                               ("image-text model", meta.clip_model, _identity(context, "clip"))):
        if ours is not None and theirs != ours:
            mismatches.append(f"{what} {theirs}, the index's is {ours}")
    if mismatches:
        raise ModelMismatchError(f"relevance model {path} was trained for another workspace ("
                                 + "; ".join(mismatches) + f"): it cannot judge here; retrain it with {remake}")
    if student.w1.shape[0] != meta.feature_dim:
        raise CheckpointError(f"relevance model {path} does not match its metadata; retrain it with {remake}")
    return student, meta


def _identity(context, attribute: str) -> str | None:
    model = getattr(context, attribute, None)
    identity = getattr(model, "identity", None)
    return identity.key() if identity is not None else None


def _probabilities(context, store, student, workspace, pairs: pd.DataFrame) -> np.ndarray:
    from engine.models.relevance.train import features_for, understood_queries

    if pairs.empty:
        return np.zeros((0, student.w2.shape[1]), np.float64)
    pairs = pairs[["query_id", "item_id"]].reset_index(drop=True)
    understood = understood_queries(context, store, pairs["query_id"], workspace.root)
    return student.probabilities(features_for(context, understood, pairs)).astype(np.float64)


def trained_queries(judgments: pd.DataFrame, meta) -> set[str]:
    """Queries the model learnt from: its source's judgments made before it was trained, less the held-out ones."""
    from engine.models.relevance.examples import held_out_queries, select_source

    chosen = select_source(judgments, meta.settings.get("source", meta.source))
    created = pd.Timestamp(meta.created).tz_localize(None) if meta.created else None
    if created is not None and "judged_at" in chosen:
        chosen = chosen[pd.to_datetime(chosen["judged_at"]) <= created]
    held = meta.metrics.get("held_out_queries")
    if held is None and chosen["query_id"].nunique() >= 2:
        held = held_out_queries(chosen["query_id"], meta.settings.get("held_out_fraction", 0.2),
                                meta.settings.get("seed", 0))
    return set(chosen["query_id"]) - set(held or ())


def _lower_medians(judgments: pd.DataFrame) -> dict[tuple[str, str], int]:
    from engine.models.relevance.examples import lower_median

    return {key: lower_median(group) for key, group in judgments.groupby(["query_id", "item_id"])["label"]}


def grade_pool(workspace, store, pool_id: int, *, context=None) -> PoolGrades:
    """The model's calibrated grades of the pool's regular graded pairs and people's labels to measure them by."""
    from engine.pipeline.context import SearchContext

    require_model_file(workspace)  # before the search models load
    context = context or SearchContext.open(workspace)
    student, meta = load_checked_student(workspace, context)
    pairs = store.pool_pairs(int(pool_id), JUDGE)
    gradable = pairs[pairs["item_id"].isin(context.items)].reset_index(drop=True)
    people = store.judgments_frame(mode="graded")  # people only: the model's own labels never measure it
    medians = _lower_medians(people)
    seen = trained_queries(people, meta)

    held = set(meta.metrics.get("held_out_queries") or ()) or (set(people["query_id"]) - seen)
    calibration = pd.DataFrame([k for k in medians if k[0] in held and k[1] in context.items],
                               columns=["query_id", "item_id"])
    calibration_probs = _probabilities(context, store, student, workspace, calibration)
    temperature = fit_temperature(calibration_probs, [medians[k] for k in zip(calibration["query_id"],
                                                                              calibration["item_id"])])
    probs = temper(_probabilities(context, store, student, workspace, gradable), temperature)
    grade = probs.argmax(axis=1) if len(probs) else np.zeros(0, np.int64)
    confidence = probs.max(axis=1) if len(probs) else np.zeros(0, np.float64)
    human = [medians.get((q, i)) if q not in seen else None for q, i in zip(gradable["query_id"], gradable["item_id"])]
    return PoolGrades(int(pool_id), gradable, grade.astype(np.int64), confidence, human, temperature,
                      len(calibration), len(pairs) - len(gradable), meta.checkpoint_sha256)


def apply_gate(store, grades: PoolGrades, threshold: float) -> JudgeReport:
    """Store the model's grades of the pairs at or above the threshold as the judge `model:relevance`."""
    from labels.model_judgments import ModelLabel

    t = check_threshold(threshold)
    above = np.flatnonzero(grades.confidence >= t)
    labels = [ModelLabel(int(grades.pairs["task_id"].iloc[i]), int(grades.grade[i]), float(grades.confidence[i]))
              for i in above]
    written = store.record_model_judgments(labels, judge=JUDGE, threshold=t,
                                           checkpoint_sha256=grades.checkpoint_sha256)
    row = grades.table([t])[0]
    return JudgeReport(grades.pool_id, t, len(above), written.written, written.unchanged,
                       len(grades.pairs) - len(above) + grades.ungradable, row)


def gate_rows_text(grades: PoolGrades, rows: Sequence[GateRow]) -> str:
    """The gate's table as text, with what it was measured on."""
    lines = [f"pool {grades.pool_id}: {len(grades.pairs)} pairs the model can grade"
             + (f" ({grades.ungradable} more whose item is not indexed stay for people)" if grades.ungradable else ""),
             f"confidence: the model's max-grade probability, temperature-calibrated (T = {grades.temperature:.3g}) "
             f"on {grades.calibration_pairs} human-judged pairs of held-out queries"
             + (" (none: uncalibrated)" if not grades.calibration_pairs else "")
             + (" - the grid's ceiling: on held-out pairs the model's grades say little more than chance"
                if grades.temperature >= 0.99 * MAX_TEMPERATURE else ""),
             "agreement: the model's grade against the people's lower-median label, on pairs above the threshold "
             "that people judged, of queries the model did not train on",
             f"{'threshold':>9} {'model':>6} {'human':>6} {'saved':>6} {'open':>6} {'n':>5} {'QWK':>7} {'exact':>6}"]
    for row in rows:
        a = row.agreement
        if a is None:
            tail = f"{0:>5}  {row.unmeasured}"
        else:
            tail = f"{a.n:>5} {'n/a' if a.qwk is None else f'{a.qwk:.3f}':>7} {a.accuracy:>6.3f}"
        lines.append(f"{row.threshold:>9g} {row.model_pairs:>6} {row.human_pairs:>6} {row.judgments_saved:>6} "
                     f"{row.open_judgments_saved:>6} {tail}")
    lines.append("model/human: pairs the model judges / that stay for people; saved: human judgments of the model's "
                 "pairs in the pool's plan (pairs x overlap); open: of which not made yet")
    return "\n".join(lines)
