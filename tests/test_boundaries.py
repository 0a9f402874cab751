"""The boundaries of ARCHITECTURE.md, checked on the source: engine/ imports no sample_data, labels or Streamlit,
and DuckDB only inside functions of the modules that use it as an in-process SQL engine."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[1] / "engine"
FORBIDDEN = ("sample_data", "labels", "streamlit", "duckdb")
# Modules that run SQL on an in-memory DuckDB over Arrow tables (no judgment store, nothing written), imported
# inside the function so that importing the engine never loads DuckDB. Anything else importing it fails.
DUCKDB_SQL_ENGINES = {
    "engine/collections/feeds.py": "feeds as SQL (sql/feed_scores.sql), the same SQL that runs on Spark",
    "engine/index/engagement.py": "search-log aggregation over Parquet",
}


def imported_modules(tree: ast.AST):
    """(top-level package, line, inside a function) of every import in a module."""
    def walk(node, in_function):
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name.split(".")[0], child.lineno, in_function
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                yield child.module.split(".")[0], child.lineno, in_function
            yield from walk(child, nested)

    yield from walk(tree, False)


def violations(root: Path, base: Path) -> list[str]:
    out = []
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(base).as_posix()
        for module, line, in_function in imported_modules(ast.parse(path.read_text(encoding="utf-8"), name)):
            if module not in FORBIDDEN:
                continue
            if module == "duckdb" and in_function and name in DUCKDB_SQL_ENGINES:
                continue
            where = "inside a function" if in_function else "at import time"
            out.append(f"{name}:{line} imports {module} ({where})")
    return out


def test_engine_imports_no_sample_data_labels_streamlit_or_duckdb():
    assert violations(ENGINE, ENGINE.parent) == []


def test_the_duckdb_exceptions_still_exist_and_still_need_it():
    for name in DUCKDB_SQL_ENGINES:
        path = ENGINE.parent / name
        assert path.is_file(), f"{name} is gone: remove it from DUCKDB_SQL_ENGINES"
        found = [m for m, _, _ in imported_modules(ast.parse(path.read_text(encoding="utf-8")))]
        assert "duckdb" in found, f"{name} no longer imports duckdb: remove it from DUCKDB_SQL_ENGINES"


@pytest.mark.parametrize("source, expected", [
    ("import sample_data.vocabulary\n", ["m.py:1 imports sample_data (at import time)"]),
    ("def f():\n    from labels import open_store\n", ["m.py:2 imports labels (inside a function)"]),
    ("import streamlit as st\n", ["m.py:1 imports streamlit (at import time)"]),
    ("import duckdb\n", ["m.py:1 imports duckdb (at import time)"]),
    ("class A:\n    def f(self):\n        import duckdb\n", ["m.py:3 imports duckdb (inside a function)"]),
    ("from engine.query import lexicon\nfrom . import labels\nimport labelsx\n", []),
])
def test_the_checker_finds_what_it_should(tmp_path, source, expected):
    (tmp_path / "m.py").write_text(source)
    assert violations(tmp_path, tmp_path) == expected
