"""The two rating modes and their label scales: graded relevance 0..4 and binary Precision@10 0/1."""

from __future__ import annotations

import numbers

from labels.errors import LabelOutOfRangeError

# mode -> (lowest label, highest label); the labels are every integer in between.
LABEL_SCALES: dict[str, tuple[int, int]] = {"graded": (0, 4), "binary": (0, 1)}
MODES: tuple[str, ...] = tuple(LABEL_SCALES)


def check_mode(mode: str) -> str:
    """Return `mode` if it is a known rating mode, else raise naming the known ones."""
    if mode not in LABEL_SCALES:
        raise ValueError(f"unknown rating mode {mode!r}; known modes are {', '.join(MODES)}")
    return mode


def check_label(label: object, mode: str) -> int:
    """Return `label` as an int if it lies on the mode's scale, else raise naming the allowed range."""
    low, high = LABEL_SCALES[check_mode(mode)]
    if isinstance(label, bool) or not isinstance(label, numbers.Integral) or not low <= int(label) <= high:
        raise LabelOutOfRangeError(
            f"label {label!r} is outside the {mode} scale; allowed labels are the integers {low}..{high}"
        )
    return int(label)
