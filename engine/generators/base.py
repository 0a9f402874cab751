"""What a candidate generator is: a name, its parameters, and a function from a query to ranked items."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

Ranked = list[tuple[str, float]]  # (item_id, score), best first


@dataclass(frozen=True)
class CandidateGenerator:
    name: str
    description: str
    params: Mapping[str, object]  # parameter -> default
    run: Callable[..., Ranked]  # run(context, understood, params, k) -> Ranked

    def check_params(self, params: Mapping[str, object]) -> dict:
        unknown = sorted(set(params) - set(self.params))
        if unknown:
            raise ValueError(f"CG {self.name!r} has no parameters {unknown}; its parameters are "
                             f"{sorted(self.params) or 'none'}")
        return {**self.params, **params}
