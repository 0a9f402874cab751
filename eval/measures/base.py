"""A measure's declaration (name, parameters, description) and its parsed text form, e.g. `nDCG@10`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from eval.ranking import RankedGrades

# How a measure takes a cutoff k.
CUTOFF_REQUIRED = "required"  # P@10: the cutoff is part of the measure
CUTOFF_OPTIONAL = "optional"  # map or map@100: without one, the whole run counts
CUTOFF_NONE = "none"


class UnknownMeasureError(ValueError):
    """A measure name or text form that the registry cannot read."""


Kernel = Callable[[RankedGrades, "int | None", float], np.ndarray]


@dataclass(frozen=True)
class MeasureSpec:
    """What a measure is: its name, parameters and the kernel that computes it per query."""

    name: str  # the key in the text form, e.g. "nDCG"
    description: str  # one line, shown in --help and the docs
    kernel: Kernel  # (batch, k, level) -> one value per query (NaN where undefined)
    cutoff: str = CUTOFF_REQUIRED  # CUTOFF_REQUIRED, CUTOFF_OPTIONAL or CUTOFF_NONE
    uses_level: bool = True  # whether a relevance level (grade >= level is relevant) changes it
    aliases: tuple[str, ...] = ()  # other names accepted by the parser, e.g. "MRR"

    def example(self) -> str:
        """The text form with a placeholder cutoff, as listed in errors and help."""
        return f"{self.name}@k" if self.cutoff == CUTOFF_REQUIRED else self.name


@dataclass(frozen=True)
class Measure:
    """One concrete measure: a spec name with its cutoff and, optionally, its own relevance level."""

    name: str
    k: int | None = None
    level: float | None = None  # None: the level given to the evaluation (e.g. the report's relevance_level)

    def __str__(self) -> str:
        text = self.name
        if self.level is not None:
            text += f"(rel={_number(self.level)})"
        if self.k is not None:
            text += f"@{self.k}"
        return text


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


_TEXT_FORM = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*?)(?:\(rel=(?P<rel>-?\d+(?:\.\d+)?)\))?(?:@(?P<k>\d+))?$")


def split_text_form(text: str) -> tuple[str, float | None, int | None]:
    """`P(rel=2)@10` -> ("P", 2.0, 10); raises UnknownMeasureError on other shapes."""
    match = _TEXT_FORM.match(text.strip())
    if match is None:
        raise UnknownMeasureError(
            f"cannot read the measure {text!r}; write NAME, NAME@k or NAME(rel=L)@k, e.g. 'nDCG@10', 'P(rel=2)@10'"
        )
    rel = match["rel"]
    k = match["k"]
    return match["name"], (float(rel) if rel is not None else None), (int(k) if k is not None else None)
