"""Query results as pandas DataFrames, through Arrow (about twice as fast as DuckDB's own `.df()` for text columns)."""

from __future__ import annotations

import duckdb
import pandas as pd

from labels.staging import finish_pending


def query_frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> pd.DataFrame:
    """Run a read-only query and return its rows as a DataFrame."""
    finish_pending(con)  # duckdb 2 refuses `sql` while an earlier result is half read
    relation = con.sql(sql, params=params)
    table = relation.to_arrow_table() if hasattr(relation, "to_arrow_table") else relation.arrow()
    return table.to_pandas()
