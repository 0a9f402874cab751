"""Cheap scalar random draws for the text writers, and the choice of a value's surface form."""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

import numpy as np

CANONICAL_FORM_RATE = 0.5  # how often a mention uses the value's own name rather than a synonym


class Dice:
    """Scalar random draws served from pre-drawn blocks, since numpy's per-call cost dominates."""

    def __init__(self, rng: np.random.Generator, block: int = 128):
        self._rng = rng
        self._block = block
        self._u: list[float] = []
        self._i = 0

    def u(self) -> float:
        if self._i == len(self._u):
            self._u = self._rng.random(self._block).tolist()
            self._i = 0
        self._i += 1
        return self._u[self._i - 1]

    def chance(self, p: float) -> bool:
        return self.u() < p

    def pick(self, seq: Sequence):
        return seq[int(self.u() * len(seq))]

    def below(self, n: int) -> int:
        return int(self.u() * n)

    def weighted(self, cumulative: Sequence[float]) -> int:
        """Index drawn from cumulative weights (ending at the total)."""
        return min(bisect.bisect_right(cumulative, self.u() * cumulative[-1]), len(cumulative) - 1)

    def normal(self) -> float:
        return math.sqrt(-2.0 * math.log(1.0 - self.u())) * math.cos(2.0 * math.pi * self.u())

    def shuffled(self, seq: Sequence) -> list:
        out = list(seq)
        for i in range(len(out) - 1, 0, -1):
            j = self.below(i + 1)
            out[i], out[j] = out[j], out[i]
        return out


def surface(d: Dice, forms: tuple[str, ...]) -> str:
    """A surface form of a value: its own name half the time, else one of its synonyms."""
    if len(forms) == 1 or d.chance(CANONICAL_FORM_RATE):
        return forms[0]
    return forms[1 + d.below(len(forms) - 1)]
