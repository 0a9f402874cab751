"""The relevance model trained on judgments: a cross-encoder teacher, pseudo-labels and a distilled student."""

from engine.models.relevance.agreement import agreement_by_rater, model_rater_agreement
from engine.models.relevance.checkpoint import StudentMeta, catalog_hash, load_student, save_student
from engine.models.relevance.evaluate import against_raters, quadratic_weighted_kappa, rater_ceiling
from engine.models.relevance.examples import (MIN_JUDGMENTS, Examples, TrainingDataError, build_examples,
                                              format_query)
from engine.models.relevance.features import ItemSide, QuerySide, pair_features
from engine.models.relevance.judge_gate import GateRow, check_threshold, fit_temperature, gate_row, gate_table
from engine.models.relevance.pseudo_label import confident_labels
from engine.models.relevance.student import Student, StudentSettings, train_student

__all__ = ["MIN_JUDGMENTS", "Examples", "GateRow", "ItemSide", "QuerySide", "Student", "StudentMeta",
           "StudentSettings", "TrainingDataError", "against_raters", "agreement_by_rater", "build_examples",
           "catalog_hash", "check_threshold", "confident_labels", "fit_temperature", "format_query", "gate_row",
           "gate_table", "load_student", "model_rater_agreement", "pair_features", "quadratic_weighted_kappa",
           "rater_ceiling", "save_student", "train_student"]
