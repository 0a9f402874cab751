"""Arrow tables staged as named views for set-based inserts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import pyarrow as pa


def finish_pending(con: duckdb.DuckDBPyConnection) -> None:
    """Run any half-read result of an earlier execute() on `con` to its end."""
    # duckdb 2 refuses to (un)register while an earlier execute() has unread rows (a fetchone of
    # several); `complete` runs it to its end. duckdb 1.x has no such rule and no such method.
    complete = getattr(con, "complete", None)
    if complete is not None:
        complete()


@contextmanager
def staged(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[str]:
    """`table` readable as the view `name` on `con` for the duration of the block."""
    finish_pending(con)
    con.register(name, table)
    try:
        yield name
    finally:
        finish_pending(con)
        con.unregister(name)
