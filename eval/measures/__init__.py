"""The metric registry: one declaration per measure, parsed from text forms like `P@10` or `nDCG@10`.

The CLI's choices, the "unknown measure" error and the report's rows all come from `MEASURES`.
"""

from __future__ import annotations

import numpy as np

from eval.measures import average_precision, judged, ndcg, ndcg_exp, precision, recall, recip_rank, relevance
from eval.measures.base import (
    CUTOFF_NONE,
    CUTOFF_OPTIONAL,
    CUTOFF_REQUIRED,
    Measure,
    MeasureSpec,
    UnknownMeasureError,
    split_text_form,
)
from eval.measures.judged import LOW_COVERAGE
from eval.ranking import RankedGrades

MEASURES: dict[str, MeasureSpec] = {
    module.SPEC.name: module.SPEC
    for module in (precision, recall, ndcg, ndcg_exp, recip_rank, average_precision, relevance, judged)
}
_BY_ALIAS = {alias: spec for spec in MEASURES.values() for alias in (spec.name, *spec.aliases)}

DEFAULT_MEASURES = ("P@10", "nDCG@10", "nDCG_exp@10", "R@10", "recip_rank", "map", "relevance@10")


def known_measures() -> str:
    """The registry's text forms, for errors and help: "P@k, R@k, nDCG@k, ..."."""
    return ", ".join(spec.example() for spec in MEASURES.values())


def parse_measure(text: str | Measure) -> Measure:
    """`nDCG@10` -> Measure("nDCG", k=10); errors name the bad text and list the known measures."""
    if isinstance(text, Measure):
        text = str(text)
    name, level, k = split_text_form(text)
    spec = _BY_ALIAS.get(name)
    if spec is None:
        raise UnknownMeasureError(f"unknown measure {name!r}; known: {known_measures()}")
    if spec.cutoff == CUTOFF_REQUIRED and k is None:
        raise UnknownMeasureError(f"measure {text!r} needs a cutoff; write it as {spec.name}@k, e.g. {spec.name}@10")
    if spec.cutoff == CUTOFF_NONE and k is not None:
        raise UnknownMeasureError(f"measure {spec.name} takes no cutoff; write {spec.name}, not {text!r}")
    if k is not None and k < 1:
        raise UnknownMeasureError(f"the cutoff of {text!r} must be at least 1")
    if level is not None and not spec.uses_level:
        raise UnknownMeasureError(f"measure {spec.name} does not use a relevance level; drop '(rel=...)' from {text!r}")
    return Measure(spec.name, k, level)


def spec_of(measure: Measure) -> MeasureSpec:
    return MEASURES[measure.name]


def compute(measure: Measure | str, batch: RankedGrades, level: float) -> np.ndarray:
    """One value per query of `batch` (NaN where undefined); `level` unless the measure carries its own."""
    measure = parse_measure(measure)
    own = measure.level if measure.level is not None else level
    return spec_of(measure).kernel(batch, measure.k, float(own))


__all__ = [
    "CUTOFF_NONE",
    "CUTOFF_OPTIONAL",
    "CUTOFF_REQUIRED",
    "DEFAULT_MEASURES",
    "LOW_COVERAGE",
    "MEASURES",
    "Measure",
    "MeasureSpec",
    "UnknownMeasureError",
    "compute",
    "known_measures",
    "parse_measure",
    "spec_of",
]
