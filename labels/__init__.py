"""The judgment store: every write to DuckDB goes through this package."""
