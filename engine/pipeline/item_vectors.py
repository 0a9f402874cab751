"""The candidates' stored vectors, read once per query where a vector column has no in-memory matrix.

Below engine.index.vector_index.EXACT_LIMIT rows a searcher holds its column as a NumPy matrix and a lookup
by id is free. Above it (an ANN index) every `searcher.vectors(ids)` is a LanceDB read, and the features,
the learned relevance and the learned engagement each read the same candidates' image, open_clip text and
MiniLM text vectors: nine reads a query. `with_item_vectors` reads the three columns in one go and hands
the scorers a context whose searchers answer from that read.
"""

from __future__ import annotations

import numpy as np

from engine.index.columns import CLIP_TEXT_VEC, IMAGE_VEC, TEXT_VEC
from engine.index.store import read_columns
from engine.index.vectors import arrow_vectors

COLUMNS = (IMAGE_VEC, CLIP_TEXT_VEC, TEXT_VEC)  # what engine/features and the learned scorers read by id


class ReadOnceSearcher:
    """A VectorSearcher whose vectors(ids) of the query's candidates come from one read made up front."""

    def __init__(self, searcher, rows: dict[str, np.ndarray | None]):
        self._searcher, self._rows = searcher, rows

    def vectors(self, item_ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
        if any(i not in self._rows for i in item_ids):  # not a candidate: the searcher reads it
            return self._searcher.vectors(item_ids)
        out = np.zeros((len(item_ids), self._searcher.dim), np.float32)
        found = np.array([self._rows[i] is not None for i in item_ids], bool)
        if found.any():
            out[found] = np.stack([self._rows[i] for i in item_ids if self._rows[i] is not None])
        return out, found

    def __getattr__(self, name):
        return getattr(self._searcher, name)


class QueryContext:
    """One query's view of a SearchContext: the same context, with some searchers answering from a read."""

    def __init__(self, context, searchers: dict[str, ReadOnceSearcher]):
        self._context, self._searchers = context, searchers

    def searcher(self, column: str):
        return self._searchers.get(column) or self._context.searcher(column)

    def __getattr__(self, name):
        return getattr(self._context, name)


def with_item_vectors(context, item_ids: list[str]):
    """`context`, or a QueryContext whose indexed (non-matrix) searchers hold the items' vectors, read once."""
    from engine.features.item_attributes import reader_for
    from engine.query.sql import in_list

    reader_for(context)  # made now, on the context's own searcher, if this is the first query
    columns = [c for c in COLUMNS if c in context.table.schema.names and context.searcher(c).plan.kind != "exact"]
    if not columns or not item_ids:
        return context
    data = read_columns(context.table, ["item_id", *columns], where=in_list("item_id", item_ids))
    searchers = {}
    for column in columns:
        searcher = context.searcher(column)
        ids, matrix, valid = arrow_vectors(data.select(["item_id", column]), column, searcher.dim)
        rows: dict[str, np.ndarray | None] = dict.fromkeys(item_ids)  # asked and absent: no vector
        rows.update({item_id: matrix[n] if valid[n] else None for n, item_id in enumerate(ids)})
        searchers[column] = ReadOnceSearcher(searcher, rows)
    return QueryContext(context, searchers)
