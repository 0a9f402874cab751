"""What can go wrong in a catalog: a whole-file error, or one row's problem."""

from __future__ import annotations

from dataclasses import dataclass


class CatalogError(ValueError):
    """The metadata file or images folder cannot be ingested at all; nothing was written."""


@dataclass(frozen=True)
class RowProblem:
    """Why one metadata row was skipped, and how to fix it."""

    row: int  # as the user sees it: CSV/JSONL line number (CSV header = 1), Parquet 1-based row
    item_id: str | None  # None when the row has no readable item_id
    column: str | None  # None when the whole row is unreadable
    problem: str
    fix: str

    def describe(self) -> str:
        """One line for a terminal."""
        where = f"row {self.row}"
        if self.item_id is not None:
            where += f" (item_id {self.item_id!r})"
        if self.column is not None:
            where += f", column {self.column}"
        return f"{where}: {self.problem}; fix: {self.fix}"


class RowError(Exception):
    """Raised while reading one row; the ingest turns it into a RowProblem and goes on."""

    def __init__(self, column: str | None, problem: str, fix: str):
        super().__init__(problem)
        self.column = column
        self.problem = problem
        self.fix = fix

    def at(self, row: int, item_id: str | None) -> RowProblem:
        return RowProblem(row=row, item_id=item_id, column=self.column, problem=self.problem, fix=self.fix)
