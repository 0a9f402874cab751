"""Simulated raters for the sample workspace: a true grade from an oracle, blurred by each rater's habits."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from labels.records import QueryRecord
from labels.scales import check_mode

Oracle = Callable[[QueryRecord, str], int]  # (query, item_id) -> the true 0..4 grade
GRADED_MAX = 4
BINARY_THRESHOLD = 3  # binary mode: a (noisy) grade of 3 or 4 is a match


@dataclass(frozen=True)
class RaterProfile:
    """How one simulated rater departs from the truth."""

    rater_id: str
    name: str
    noise: float  # probability of a +-1 error on a judgment
    bias: float  # mean shift added to every grade (stochastically rounded), then clipped to 0..4
    careless_rate: float  # probability of a uniformly random label instead
    seconds_mean: float  # mean time per judgment

    def __post_init__(self):
        for what in ("noise", "careless_rate"):
            value = getattr(self, what)
            if not 0 <= value <= 1:
                raise ValueError(f"rater profile {self.rater_id!r}: {what} is a probability in [0, 1], got {value!r}")
        if not -GRADED_MAX <= self.bias <= GRADED_MAX:
            raise ValueError(f"rater profile {self.rater_id!r}: bias must lie in [-4, 4], got {self.bias!r}")
        if not self.seconds_mean > 0:
            raise ValueError(f"rater profile {self.rater_id!r}: seconds_mean must be > 0, got {self.seconds_mean!r}")


DEFAULT_PANEL: tuple[RaterProfile, ...] = (
    RaterProfile("sim-ada", "Ada (careful)", noise=0.05, bias=0.0, careless_rate=0.0, seconds_mean=12.0),
    RaterProfile("sim-ben", "Ben (generous)", noise=0.15, bias=0.5, careless_rate=0.02, seconds_mean=8.0),
    RaterProfile("sim-cleo", "Cleo (strict)", noise=0.15, bias=-0.5, careless_rate=0.02, seconds_mean=10.0),
    RaterProfile("sim-dev", "Dev (noisy)", noise=0.35, bias=0.0, careless_rate=0.05, seconds_mean=6.0),
    RaterProfile("sim-eve", "Eve (hasty)", noise=0.2, bias=0.2, careless_rate=0.15, seconds_mean=3.0),
)


def noisy_grade(true_grade: int, profile: RaterProfile, rng: np.random.Generator) -> int:
    """The grade this rater gives for a result whose true grade is `true_grade` (0..4)."""
    if rng.random() < profile.careless_rate:
        return int(rng.integers(0, GRADED_MAX + 1))
    shifted = true_grade + profile.bias
    base = np.floor(shifted)
    grade = base + (rng.random() < shifted - base)  # stochastic rounding keeps the mean shift exact
    if rng.random() < profile.noise:
        grade += 1 if rng.random() < 0.5 else -1
    return int(min(GRADED_MAX, max(0, grade)))


def label_for(grade: int, mode: str) -> int:
    """A 0..4 grade as a label of the mode: itself (graded) or 1 when >= 3 (binary)."""
    return grade if mode == "graded" else int(grade >= BINARY_THRESHOLD)


def seconds_for(profile: RaterProfile, rng: np.random.Generator) -> float:
    """Time spent on one judgment: gamma-distributed (shape 4) with the profile's mean."""
    return float(round(rng.gamma(4.0, profile.seconds_mean / 4.0), 2))


def _rater_rng(seed: int, rater_id: str) -> np.random.Generator:
    # crc32, not hash(): the same seed must give the same labels in every process.
    return np.random.default_rng([seed, zlib.crc32(rater_id.encode("utf-8"))])


def simulate_judgments(
    store, oracle: Oracle, profiles: Sequence[RaterProfile] = DEFAULT_PANEL, *, mode: str = "graded", seed: int = 0,
    limit: int | None = None,
) -> int:
    """Register the profiles as simulated raters and let them judge pool tasks (round robin) until none are left.

    Returns the number of judgments recorded; `limit` caps it. The same store state and seed give
    the same judgments.
    """
    check_mode(mode)
    if not profiles:
        raise ValueError("simulate_judgments needs at least one rater profile, e.g. DEFAULT_PANEL")
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be None or >= 0, got {limit!r}")
    for profile in profiles:
        store.add_rater(profile.rater_id, profile.name, role="rater", simulated=True, exist_ok=True)
    rngs = {p.rater_id: _rater_rng(seed, p.rater_id) for p in profiles}
    queries: dict[str, QueryRecord] = {}
    active = list(profiles)
    done = 0
    while active and (limit is None or done < limit):
        for profile in list(active):
            if limit is not None and done >= limit:
                break
            task = store.assign_next(profile.rater_id, mode=mode)
            if task is None:
                active.remove(profile)
                continue
            if task.query_id not in queries:
                queries[task.query_id] = store.query(task.query_id)
            rng = rngs[profile.rater_id]
            grade = noisy_grade(int(oracle(queries[task.query_id], task.item_id)), profile, rng)
            store.record_judgment(
                task.task_id, profile.rater_id, label_for(grade, mode), seconds_spent=seconds_for(profile, rng)
            )
            done += 1
    return done
