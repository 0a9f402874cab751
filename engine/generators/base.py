"""What a candidate generator is: a name, its parameters, and a function from a query to ranked items.

A generator that searches one vector column also says which (column, query vector) it searches, without
searching (`query`): the pipeline then searches every call on the same column in one pass over its matrix
(engine/index/vectors.py, VectorSearcher.search_many), with exactly the answer `run` would give.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

Ranked = list[tuple[str, float]]  # (item_id, score), best first
VectorQuery = tuple[str, np.ndarray]  # (vector column, unit query vector)


@dataclass(frozen=True)
class CandidateGenerator:
    name: str
    description: str
    params: Mapping[str, object]  # parameter -> default
    run: Callable[..., Ranked]  # run(context, understood, params, k) -> Ranked
    # query(context, understood, params) -> VectorQuery | None (None: nothing to search, run gives []);
    # None for a generator that does not search one vector column (BM25)
    query: Callable[..., VectorQuery | None] | None = None

    def check_params(self, params: Mapping[str, object]) -> dict:
        unknown = sorted(set(params) - set(self.params))
        if unknown:
            raise ValueError(f"CG {self.name!r} has no parameters {unknown}; its parameters are "
                             f"{sorted(self.params) or 'none'}")
        return {**self.params, **params}


def vector_search(query: Callable[..., VectorQuery | None]) -> Callable[..., Ranked]:
    """The `run` of a generator that searches the one (column, vector) its `query` names."""

    def run(context, understood, params: dict, k: int) -> Ranked:
        found = query(context, understood, params)
        if found is None:
            return []
        column, vector = found
        return [(h.item_id, h.score) for h in context.searcher(column).search(vector, k)]

    return run
