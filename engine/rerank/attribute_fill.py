"""Attribute fill: the top positions go to results that match every target attribute (seed: "the top 8")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from engine.records import Result
from engine.rerank.errors import RerankConfigError


def matches_all(attributes: Mapping[str, str], target_attributes: Mapping[str, str]) -> bool:
    """True when the item has the target value of every target family."""
    return all(attributes.get(family) == value for family, value in target_attributes.items())


def fill_top(results: Sequence[Result], target_attributes: Mapping[str, str], *, positions: int = 8,
             limit: int | None = None) -> list[Result]:
    """Move matching results (in their order) into the top `positions`; the displaced follow in order.

    Results that move up get filled=True; ranks are renumbered 1..n. With no target attributes, no
    positions, or no matching result, the results come back unchanged. Only the first `limit` come back
    (all when None): the same as cutting the whole answer.
    """
    if not isinstance(positions, int) or isinstance(positions, bool) or positions < 0:
        raise RerankConfigError(f"fill positions = {positions!r}; expected an integer >= 0 (0: no fill)")
    if not target_attributes or positions == 0:
        return list(results[:limit])
    matching = [i for i, r in enumerate(results) if matches_all(r.attributes, target_attributes)][:positions]
    if not matching:
        return list(results[:limit])
    chosen = set(matching)
    order = (matching + [i for i in range(len(results)) if i not in chosen])[:limit]
    filled = []
    for new_index, old_index in enumerate(order):
        result = results[old_index]
        moved_up = new_index < old_index
        filled.append(replace(result, rank=new_index + 1, filled=result.filled or moved_up))
    return filled
