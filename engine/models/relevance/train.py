"""`workbench train relevance`: teacher on judgments, pseudo-labels on unjudged pairs, student, evaluation.

The student learns the judged pairs from the raters' own label shares (RelevanceSettings.teacher_weight blends
the teacher in) and the pseudo-labelled pairs from the teacher: its match features carry what the raters grade
by, which the text-only teacher cannot see (docs/search_quality.md).

Pseudo-label candidates for the training queries: pooled or run pairs nobody judged, plus the `neighbours`
nearest catalog images of the query's reference and of its text (what a CG would retrieve), since a fully
judged pool leaves none. Held-out queries are never pseudo-labelled, so the student never sees them.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from engine.index.columns import CLIP_TEXT_VEC, ENRICHED_TEXT, IMAGE_VEC
from engine.models.relevance.checkpoint import (StudentMeta, catalog_hash, save_student, workspace_student,
                                                workspace_teacher)
from engine.models.relevance.evaluate import against_raters, latency_per_1000, rater_ceiling
from engine.models.relevance.examples import GRADES, MIN_JUDGMENTS, build_examples, select_source
from engine.models.relevance.features import FEATURE_VERSION, context_features, query_side, query_text
from engine.models.relevance.pseudo_label import confident_labels, unjudged_pairs
from engine.models.relevance.student import StudentSettings, train_student
from engine.models.relevance.teacher import TeacherSettings, train_teacher


HEARTBEAT_S = 10.0  # with `heartbeat`, a teacher step is printed at most this often


@dataclass(frozen=True)
class RelevanceSettings:
    source: str = "all"  # judgments to learn from: human, simulated or all
    pseudo_threshold: float = 0.6  # keep an unjudged pair when the teacher's max class probability is >= this
    neighbours: int = 5  # nearest catalog items per training query (by reference image and by text) to pseudo-label
    # The student's target on a judged pair: (1 - teacher_weight) * the raters' label shares + teacher_weight * the
    # teacher's probabilities. 0 (the raters alone): the text-only teacher agreed with held-out raters at QWK ~0 on
    # the demo, and distilling it capped the student there (docs/search_quality.md)
    teacher_weight: float = 0.0
    pseudo_weight: float = 1.0  # weight of a pseudo-labelled pair in the student's loss (a judged pair weighs 1)
    held_out_fraction: float = 0.2  # share of queries held out for evaluation
    min_judgments: int = MIN_JUDGMENTS
    seed: int = 0
    teacher: TeacherSettings = field(default_factory=TeacherSettings)
    student: StudentSettings = field(default_factory=StudentSettings)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class RelevanceReport:
    teacher_dir: Path
    student_path: Path
    train_pairs: int
    held_out_pairs: int
    pseudo_candidates: int
    pseudo_kept: int
    teacher_seconds: float
    student_seconds: float
    metrics: dict  # teacher / student / raters -> {n, accuracy, qwk}; latency_ms_per_1000 -> {teacher, student}

    def to_dict(self) -> dict:
        return {**asdict(self), "teacher_dir": str(self.teacher_dir), "student_path": str(self.student_path)}

    def summary(self) -> str:
        m = self.metrics
        lines = [f"teacher: {self.train_pairs} judged pairs, {self.teacher_seconds:.0f}s -> {self.teacher_dir}",
                 f"pseudo-labels: kept {self.pseudo_kept} of {self.pseudo_candidates} unjudged pairs",
                 f"student: {self.student_seconds:.1f}s -> {self.student_path}",
                 f"held out ({self.held_out_pairs} pairs, {m['raters']['n']} judgments):",
                 f"  {'':10s} {'accuracy':>9s} {'QWK':>7s}"]
        for who in ("teacher", "student", "raters"):
            lines.append(f"  {who:10s} {m[who]['accuracy']:9.3f} {m[who]['qwk']:7.3f}"
                         + ("  (each rater vs the others' median: the ceiling)" if who == "raters" else ""))
        lat = m["latency_ms_per_1000"]
        lines.append(f"latency per 1,000 pairs: teacher {lat['teacher']:.0f} ms, student {lat['student']:.1f} ms "
                     f"({lat['teacher'] / max(lat['student'], 1e-9):.0f}x)")
        return "\n".join(lines)


def understood_queries(context, store, query_ids, root: Path) -> dict:
    """query_id -> UnderstoodQuery, by the search's own understand stage (readings, never ground truth)."""
    from engine.pipeline.understand import understand
    from engine.records import Query

    out = {}
    for query_id in sorted(set(query_ids)):
        rec = store.query(query_id)
        image_path = rec.image_path
        if image_path and not Path(image_path).is_absolute():
            image_path = str(root / image_path)
        query = Query(text=rec.text or "", item_id=rec.image_item_id, image_path=image_path,
                      crop=tuple(rec.crop) if rec.crop is not None else None)
        out[query_id] = understand(context, query)
    return out


def item_texts(context) -> dict[str, str]:
    from engine.index.store import read_columns

    rows = read_columns(context.table, ["item_id", ENRICHED_TEXT]).to_pylist()
    return {r["item_id"]: r[ENRICHED_TEXT] or "" for r in rows}


def neighbour_pairs(context, understood: dict, k: int) -> list[tuple[str, str]]:
    """(query_id, item_id) of the k nearest images to each query's reference and to its text."""
    pairs = []
    for query_id, u in understood.items():
        side = query_side(context, u)
        for column, vector in ((IMAGE_VEC, side.reference_vec), (IMAGE_VEC, side.clip_vec),
                               (CLIP_TEXT_VEC, side.clip_vec)):
            if vector is not None and k > 0 and np.any(vector):
                pairs += [(query_id, hit.item_id) for hit in context.searcher(column).search(vector, k)]
    return pairs


def features_for(context, understood: dict, pairs: pd.DataFrame) -> np.ndarray:
    """Student features of (query_id, item_id) rows, in row order."""
    out = np.zeros((len(pairs), 0), np.float32)
    for query_id, group in pairs.groupby("query_id", sort=False):
        block = context_features(context, understood[query_id], group["item_id"].tolist())
        if out.shape[1] == 0:
            out = np.zeros((len(pairs), block.shape[1]), np.float32)
        out[group.index.to_numpy()] = block
    return out


def train_relevance(workspace, open_store, settings: RelevanceSettings = RelevanceSettings(), *, context=None,
                    progress: bool = False, heartbeat: bool = False) -> RelevanceReport:
    """Train, pseudo-label, distil, evaluate and save into WORKSPACE/models.

    `open_store()` opens the judgment store (e.g. `lambda: labels.open_store(path, read_only=True)`): the
    engine imports nothing from labels/, and holds the store only while it reads, not while it trains.
    """
    from engine.pipeline.context import SearchContext

    def say(line: str) -> None:
        if progress or heartbeat:
            print(f"relevance: {line}", flush=True)

    with open_store() as store:
        judgments = store.judgments_frame(mode="graded")
        runs = store.run_results_frame()
        context = context or SearchContext.open(workspace)
        chosen = select_source(judgments, settings.source)
        understood = understood_queries(context, store, chosen["query_id"], workspace.root)
    texts = item_texts(context)
    examples = build_examples(chosen, {q: query_text(u) for q, u in understood.items()}, texts,
                              source=settings.source, minimum=settings.min_judgments,
                              held_out_fraction=settings.held_out_fraction, seed=settings.seed)
    train, held = examples.part(False), examples.part(True)
    say(f"fine-tuning the teacher on {len(train)} judged pairs ({settings.teacher.epochs} epochs; "
        f"{len(held)} pairs of held-out queries kept for evaluation)")
    teacher, teacher_seconds = train_teacher(train.frame["query_text"].tolist(), train.frame["item_text"].tolist(),
                                             train.distribution, settings.teacher, progress=progress,
                                             every_s=HEARTBEAT_S if heartbeat else None)

    train_queries = set(train.frame["query_id"])
    candidates = [(q, i) for q, i in zip(runs["query_id"], runs["item_id"]) if q in train_queries]
    candidates += neighbour_pairs(context, {q: understood[q] for q in sorted(train_queries)}, settings.neighbours)
    unjudged = [(q, i) for q, i in unjudged_pairs(candidates, zip(judgments["query_id"], judgments["item_id"]))
                if i in texts]
    pseudo = pd.DataFrame(unjudged, columns=["query_id", "item_id"])
    say(f"teacher trained in {teacher_seconds:.0f} s; pseudo-labelling {len(pseudo)} unjudged pairs")
    pseudo_probs = teacher.probabilities([query_text(understood[q]) for q in pseudo["query_id"]],
                                         [texts[i] for i in pseudo["item_id"]]) if len(pseudo) else \
        np.zeros((0, GRADES), np.float32)
    kept, _ = confident_labels(pseudo_probs, settings.pseudo_threshold)

    say(f"distilling the student on {len(train) + len(kept)} pairs ({len(kept)} pseudo-labelled)")
    start = time.perf_counter()
    student_rows = pd.concat([train.frame[["query_id", "item_id"]], pseudo.iloc[kept]], ignore_index=True)
    judged_targets = train.distribution
    if settings.teacher_weight > 0:
        teacher_train = teacher.probabilities(train.frame["query_text"].tolist(), train.frame["item_text"].tolist())
        judged_targets = (1 - settings.teacher_weight) * judged_targets + settings.teacher_weight * teacher_train
    targets = np.concatenate([judged_targets, pseudo_probs[kept]]).astype(np.float32)
    weights = np.concatenate([np.ones(len(train)), np.full(len(kept), settings.pseudo_weight)]).astype(np.float32)
    features = features_for(context, understood, student_rows)
    student = train_student(features, targets, settings.student, weights=weights)
    student_seconds = time.perf_counter() - start

    say("evaluating teacher and student on the held-out queries")
    held_pairs = held.frame[["query_id", "item_id"]]
    teacher_held = teacher.probabilities(held.frame["query_text"].tolist(), held.frame["item_text"].tolist())
    held_features = features_for(context, understood, held_pairs)
    student_held = student.probabilities(held_features)
    held_judgments = chosen[chosen["query_id"].isin(set(held.frame["query_id"]))]
    keys = list(zip(held_pairs["query_id"], held_pairs["item_id"]))
    metrics = {
        "teacher": against_raters(held_judgments, dict(zip(keys, teacher_held.argmax(axis=1).tolist()))),
        "student": against_raters(held_judgments, dict(zip(keys, student_held.argmax(axis=1).tolist()))),
        "raters": rater_ceiling(held_judgments),
        "latency_ms_per_1000": latency(teacher, student, held, context, understood),
        "held_out_queries": sorted(set(held.frame["query_id"])),  # what `eval agreement` measures the judge on
    }
    teacher_dir = workspace_teacher(workspace)
    teacher.save(teacher_dir)
    (teacher_dir / "relevance.json").write_text(json.dumps(
        {"settings": settings.to_dict(), "metrics": metrics, "data_hash": catalog_hash(context.items)}, indent=2,
        sort_keys=True) + "\n")
    student_path = workspace_student(workspace)
    save_student(student, student_path, StudentMeta(
        feature_dim=features.shape[1], feature_version=FEATURE_VERSION, hidden=settings.student.hidden,
        data_hash=catalog_hash(context.items),
        text_model=context.text_encoder.identity.key(), clip_model=context.clip.identity.key(),
        source=settings.source, settings=settings.to_dict(), metrics=metrics,
        vocabulary_hash=context.vocabulary.hash))
    return RelevanceReport(teacher_dir, student_path, len(train), len(held), len(pseudo), len(kept),
                           round(teacher_seconds, 1), round(student_seconds, 2), metrics)


def latency(teacher, student, held, context, understood, teacher_pairs: int = 128) -> dict:
    """ms per 1,000 pairs: the teacher over `teacher_pairs` held-out pairs (scaled), the student over 1,000
    candidates of one query (features from stored vectors plus the MLP)."""
    n = len(held.frame)
    reps = -(-teacher_pairs // max(n, 1))
    queries = (held.frame["query_text"].tolist() * reps)[:teacher_pairs]
    items = (held.frame["item_text"].tolist() * reps)[:teacher_pairs]
    teacher_ms = latency_per_1000(lambda k: teacher.probabilities(queries[:k], items[:k]), len(queries), repeats=1)
    u = understood[held.frame["query_id"].iloc[0]]
    ids = list(context.items)[:1000]
    student_ms = latency_per_1000(lambda k: student.expected_grade(context_features(context, u, ids[:k])), len(ids))
    return {"teacher": teacher_ms, "student": student_ms, "teacher_pairs": len(queries), "student_pairs": len(ids)}
