"""Multi-fetch merging: many CG calls' ranked lists -> one Candidate per item with every call's provenance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from engine.records import Candidate, Source

Call = tuple[str, Mapping[str, float | str], Sequence[tuple[str, float]]]  # (cg name, params, ranked items)


class MultiFetchError(ValueError):
    """A CG call's ranked list that cannot be merged."""


def merge_candidates(calls: Sequence[Call]) -> list[Candidate]:
    """One Candidate per item, in first-seen order, with a Source (cg, params, 1-based rank, score) per call."""
    merged: dict[str, Candidate] = {}
    for call_index, (cg, params, ranked) in enumerate(calls):
        seen: set[str] = set()
        for rank, (item_id, score) in enumerate(ranked, start=1):
            if item_id in seen:
                raise MultiFetchError(
                    f"call {call_index} (cg {cg!r}, params {dict(params)}) lists item {item_id!r} twice; "
                    f"expected each item at most once per call: deduplicate the CG's output")
            seen.add(item_id)
            candidate = merged.setdefault(item_id, Candidate(item_id=item_id))
            candidate.sources.append(Source(cg=cg, params=dict(params), rank=rank, score=float(score)))
    return list(merged.values())
