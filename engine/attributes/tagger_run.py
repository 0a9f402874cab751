"""Train, calibrate, assign and evaluate the attribute tagger on a workspace (`workbench attributes ...`)."""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from engine.attributes.records import CuratedVocabulary, ItemAttribute
from engine.attributes.tagger import (TaggerSettings, attribute_list, embed_phrases, is_held_out, score_matrix,
                                      vocabulary_hash)
from engine.attributes.tagger_assign import assign_rows, write_tagged
from engine.attributes.tagger_calibrate import Calibration, calibrate, family_observed, top_per_family
from engine.attributes.tagger_checkpoint import (TaggerMeta, load_tagger, read_tagger_meta, save_tagger,
                                                 workspace_checkpoint)
from engine.attributes.tagger_data import ProductVectors, label_matrix, read_product_vectors
from engine.attributes.tagger_eval import family_precision_recall, label_distribution, recall_at_k
from engine.attributes.tagger_train import train_towers
from engine.attributes.tagger_vocabulary import settings_for, tagger_vocabulary
from engine.models.errors import ModelMismatchError
from engine.vocabulary.stale import REFRESH_COMMANDS
from engine.index.store import open_items_table

SEED_RECALL_AT_10 = 0.997  # the seed's Fashion200K Recall@10


@dataclass
class TaggerReport:
    """What a tagger run did and measured."""

    checkpoint: str
    items: int = 0
    train_items: int = 0
    held_out_items: int = 0
    attributes: int = 0
    positives_used: int = 0
    positives_unknown_items: int = 0  # positives naming items the table lacks (skipped)
    not_embedded_items: int = 0  # rows without vectors (not indexed yet): neither trained on nor tagged
    assigned_items: int = 0  # rows whose tagged_attributes column was written (0: not assigned)
    losses: list[float] = field(default_factory=list)  # mean training loss per epoch
    calibration: dict = field(default_factory=dict)  # summary of the thresholds
    metrics: dict = field(default_factory=dict)  # see evaluate_scores
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """JSON-ready: NaN (a measure with nothing to measure) becomes None."""
        return _no_nan(asdict(self))

    def summary(self) -> str:
        m = self.metrics
        lines = [f"attribute tagger {self.checkpoint}: {self.attributes} attributes, {self.items} items "
                 f"({self.train_items} train, {self.held_out_items} held out), {self.positives_used} positives"
                 + (f" ({self.positives_unknown_items} naming unknown items skipped)"
                    if self.positives_unknown_items else "")]
        if self.not_embedded_items:
            lines.append(f"{self.not_embedded_items} items have no vectors yet and were left out; run `workbench index`")
        if self.losses:
            lines.append(f"training loss {self.losses[0]:.3f} -> {self.losses[-1]:.3f} over {len(self.losses)} epochs")
        if self.calibration:
            c = self.calibration
            lines.append(f"thresholds at target precision {c['target_precision']}: {c['own']} attributes fit their own, "
                         f"{c['fallback_only']} fall back to family/global; confidence slope {c['slope']:.1f}")
        if "recall_at_10" in m:
            lines.append(f"held-out Recall@10 vs ground truth: {_pct(m['recall_at_10'])} (seed, Fashion200K: "
                         f"{SEED_RECALL_AT_10:.1%}); vs the positives: {_pct(m['recall_at_10_positives'])}")
        if m.get("per_family"):
            lines.append(f"  {'family':10s} {'precision':>9s} {'recall':>7s} {'assigned':>8s} {'true':>5s}")
            for family, r in m["per_family"].items():
                lines.append(f"  {family:10s} {_pct(r['precision']):>9s} {_pct(r['recall']):>7s} "
                             f"{r['assigned']:8d} {r['true']:5d}")
        if m.get("distribution"):
            lines.append(f"  {'labels':22s} {'distinct':>8s} {'mean per product':>17s}")
            for name, d in m["distribution"].items():
                lines.append(f"  {name:22s} {d['distinct']:8d} {d['mean_per_product']:17.2f}")
        if self.assigned_items:
            lines.append(f"wrote tagged_attributes for {self.assigned_items} items")
        lines.append("time: " + ", ".join(f"{k} {v:.1f}s" for k, v in self.seconds.items()))
        return "\n".join(lines)


def _no_nan(value):
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_nan(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _pct(value: float) -> str:
    return "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.1%}"


def _text_encoder(text_encoder):
    if text_encoder is not None:
        return text_encoder
    from engine.models.text_encoder import load_text_encoder

    return load_text_encoder()


def train_tagger(workspace, vocabulary: CuratedVocabulary | None, positives: list[ItemAttribute], *,
                 settings: TaggerSettings | None = None, text_encoder=None, out: Path | None = None,
                 progress: bool = False, workspace_vocabulary=None,
                 ) -> tuple[TaggerReport, object, TaggerMeta, ProductVectors, np.ndarray]:
    """Train on the non-held-out items, calibrate and evaluate on the held-out ones, save the checkpoint.

    With `workspace_vocabulary` (an engine.vocabulary.Vocabulary) the tagger learns its families and values,
    positives are mapped onto it, its product type is always tagged, and its hash is recorded; otherwise
    the curated vocabulary's families are tagged as curation left them.
    """
    t0 = time.perf_counter()
    workspace_hash = None
    families = vocabulary.families if vocabulary is not None else None
    if workspace_vocabulary is not None and not workspace_vocabulary.is_empty():
        tv = tagger_vocabulary(workspace_vocabulary, positives)
        families, positives, workspace_hash = tv.families, tv.positives, tv.vocabulary_hash
        settings = settings_for(settings, tv)
    if families is None:
        raise ValueError("the tagger needs a vocabulary: the workspace's (vocabulary.toml) or a curated one; "
                         "run `workbench attributes run --input FILE` first")
    settings = (settings or TaggerSettings()).check()
    attributes = attribute_list(families)
    table = open_items_table(workspace)
    data = read_product_vectors(table)
    labels, unknown = label_matrix(data.ids, attributes, positives)
    if not labels.any():
        raise ValueError(f"none of the {len(positives)} positives names an item of the items table; "
                         "extract attributes from this workspace's catalog")
    encoder = _text_encoder(text_encoder)
    phrases = embed_phrases(encoder, attributes)
    held = np.array([is_held_out(i, settings.held_out_percent) for i in data.ids])
    train_rows, held_rows = np.nonzero(~held)[0], np.nonzero(held)[0]
    if len(held_rows) == 0 or len(train_rows) == 0:
        raise ValueError(f"{len(data.ids)} items are too few to hold {settings.held_out_percent}% out for "
                         "calibration; add items or raise held_out_percent")
    report = TaggerReport(checkpoint=str(out or workspace_checkpoint(workspace)), items=len(data.ids),
                          train_items=len(train_rows), held_out_items=len(held_rows), attributes=len(attributes),
                          positives_used=int(labels.sum()), positives_unknown_items=unknown,
                          not_embedded_items=data.not_embedded)
    report.seconds["read"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    model, report.losses = train_towers(data.vectors, phrases, labels, train_rows, settings, progress=progress)
    report.seconds["train"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    scores = score_matrix(model, data.vectors, phrases)
    families = [f for f, _ in attributes]
    held_labels = labels[held_rows]
    calibration = calibrate(scores[held_rows], held_labels, families, target=settings.target_precision,
                            smoothing_support=settings.smoothing_support,
                            observed=family_observed(held_labels, families),
                            candidates=top_per_family(scores[held_rows], families, settings.max_per_family))
    report.calibration = calibration_summary(calibration)
    report.metrics = evaluate_scores(scores, calibration, attributes, settings, data, labels, held_rows)
    report.seconds["calibrate_evaluate"] = time.perf_counter() - t2

    meta = TaggerMeta(attributes=[list(a) for a in attributes], vocabulary_hash=vocabulary_hash(attributes),
                      product_models=data.models, phrase_model=encoder.identity.key(),
                      product_dim=int(data.vectors.shape[1]), phrase_dim=int(phrases.shape[1]),
                      settings=settings.to_dict(), calibration=calibration.to_dict(), metrics=report.metrics,
                      data_hash=data.data_hash(), trained_seconds=round(report.seconds["train"], 2),
                      train_items=len(train_rows), held_out_items=len(held_rows),
                      workspace_vocabulary_hash=workspace_hash)
    meta = save_tagger(model, Path(report.checkpoint), meta)
    report.seconds["total"] = time.perf_counter() - t0
    return report, model, meta, data, scores


def calibration_summary(c: Calibration) -> dict:
    own = sum(t is not None for t in c.own)
    return {"target_precision": c.target_precision, "own": own, "fallback_only": len(c.own) - own,
            "global_threshold": c.global_threshold, "slope": c.slope,
            "mean_threshold": float(np.mean(c.thresholds)) if c.thresholds else float("nan")}


def assignments(scores: np.ndarray, calibration: Calibration, attributes, settings: TaggerSettings):
    return assign_rows(scores, calibration.confidence(scores), calibration.thresholds, attributes,
                       always_top_families=settings.always_top_families, max_per_family=settings.max_per_family)


def evaluate_scores(scores: np.ndarray, calibration: Calibration, attributes, settings: TaggerSettings,
                    data: ProductVectors, labels: np.ndarray, held_rows) -> dict:
    """Held-out Recall@10 (truth and positives), per-family P/R at the thresholds, distribution raw vs tagger."""
    col = {a: j for j, a in enumerate(attributes)}
    families = sorted({f for f, _ in attributes})
    held_rows = np.asarray(held_rows)
    truth = [data.truth[i] for i in held_rows]
    truth_cols = [{col[(f, v)] for f, v in t.items() if (f, v) in col} for t in truth]
    not_in_vocabulary = sum(len(t) for t in truth) - sum(len(c) for c in truth_cols)
    rows = assignments(scores, calibration, attributes, settings)
    held_truth = [{f: v for f, v in t.items() if f in families} for t in truth]
    assigned_held = [[(f, v) for f, v, _ in rows[i]] for i in held_rows]
    raw = [(data.ids[i], *attributes[j]) for i, j in zip(*np.nonzero(labels))]
    tagged = [(data.ids[i], f, v) for i, row in enumerate(rows) for f, v, _ in row]
    return {
        "recall_at_10": recall_at_k(scores[held_rows], truth_cols, 10),
        "recall_at_10_positives": recall_at_k(scores[held_rows], [set(np.nonzero(labels[i])[0]) for i in held_rows], 10),
        "truth_not_in_vocabulary": int(not_in_vocabulary),
        "held_out_with_truth": int(sum(bool(t) for t in truth)),
        "per_family": family_precision_recall(assigned_held, held_truth, families),
        "distribution": {"curated positives": label_distribution(raw, len(data.ids)),
                         "tagger": label_distribution(tagged, len(data.ids))},
    }


def assign_tagger(workspace, *, checkpoint: Path | None = None, text_encoder=None,
                  vocabulary: CuratedVocabulary | None = None,
                  workspace_vocabulary=None) -> tuple[int, list[ItemAttribute]]:
    """Score every item with a saved tagger and write `tagged_attributes`; returns (rows written, assignments).

    With `workspace_vocabulary`, a tagger trained with another workspace vocabulary is refused (stale).
    """
    checkpoint = Path(checkpoint or workspace_checkpoint(workspace))
    if workspace_vocabulary is not None and not workspace_vocabulary.is_empty():
        recorded = read_tagger_meta(checkpoint).workspace_vocabulary_hash
        if recorded != workspace_vocabulary.hash:
            raise ModelMismatchError(
                f"the tagger {checkpoint} was trained with vocabulary {recorded or 'none recorded'}, the workspace's "
                f"is now {workspace_vocabulary.hash}: its tags would mix two vocabularies. Refresh it with "
                f"`{REFRESH_COMMANDS['tagger']}`")
    table = open_items_table(workspace)
    data = read_product_vectors(table)
    encoder = _text_encoder(text_encoder)
    expected = {"product_models": data.models, "phrase_model": encoder.identity.key()}
    if vocabulary is not None:
        expected["vocabulary_hash"] = vocabulary_hash(attribute_list(vocabulary.families))
    model, meta = load_tagger(checkpoint, **expected)
    attributes = [tuple(a) for a in meta.attributes]
    scores = score_matrix(model, data.vectors, embed_phrases(encoder, attributes))
    rows = assignments(scores, meta.calibration_obj, attributes, meta.settings_obj)
    written = write_tagged(table, data.ids, rows)
    return written, [ItemAttribute(i, f, v, c) for i, row in zip(data.ids, rows) for f, v, c in row]


def evaluate_tagger(workspace, positives: list[ItemAttribute], *, checkpoint: Path | None = None,
                    text_encoder=None) -> TaggerReport:
    """Re-measure a saved tagger on the workspace's held-out items (as recorded in its settings)."""
    checkpoint = Path(checkpoint or workspace_checkpoint(workspace))
    t0 = time.perf_counter()
    table = open_items_table(workspace)
    data = read_product_vectors(table)
    encoder = _text_encoder(text_encoder)
    model, meta = load_tagger(checkpoint, product_models=data.models, phrase_model=encoder.identity.key())
    attributes = [tuple(a) for a in meta.attributes]
    settings = meta.settings_obj
    labels, unknown = label_matrix(data.ids, attributes, positives)
    scores = score_matrix(model, data.vectors, embed_phrases(encoder, attributes))
    held_rows = [i for i, item in enumerate(data.ids) if is_held_out(item, settings.held_out_percent)]
    calibration = meta.calibration_obj
    report = TaggerReport(checkpoint=str(checkpoint), items=len(data.ids), train_items=len(data.ids) - len(held_rows),
                          held_out_items=len(held_rows), attributes=len(attributes), positives_used=int(labels.sum()),
                          positives_unknown_items=unknown, calibration=calibration_summary(calibration))
    report.metrics = evaluate_scores(scores, calibration, attributes, settings, data, labels, held_rows)
    report.seconds["total"] = time.perf_counter() - t0
    return report


def run_tagger(workspace, vocabulary: CuratedVocabulary | None, positives: list[ItemAttribute], *,
               progress: bool = False, settings: TaggerSettings | None = None, text_encoder=None,
               workspace_vocabulary=None) -> TaggerReport:
    """Train + calibrate + assign + evaluate; writes the checkpoint and the items' `tagged_attributes`."""
    report, model, meta, data, scores = train_tagger(workspace, vocabulary, positives, settings=settings,
                                                     text_encoder=text_encoder, progress=progress,
                                                     workspace_vocabulary=workspace_vocabulary)
    t0 = time.perf_counter()
    attributes = [tuple(a) for a in meta.attributes]
    rows = assignments(scores, meta.calibration_obj, attributes, meta.settings_obj)
    report.assigned_items = write_tagged(open_items_table(workspace), data.ids, rows)
    report.seconds["assign"] = time.perf_counter() - t0
    report.seconds["total"] = report.seconds["total"] + report.seconds["assign"]
    return report
