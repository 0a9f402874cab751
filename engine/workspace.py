"""Where a run's data lives: one folder with catalog/, lancedb/, models/, judgments.duckdb and runs/."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "WORKBENCH_HOME"
DEFAULT_HOME = "workspace"


@dataclass(frozen=True)
class Workspace:
    """The folder layout under one workspace root (the ARCHITECTURE.md contract)."""

    root: Path

    @classmethod
    def resolve(cls, home: str | os.PathLike | None = None) -> "Workspace":
        """`--home`, else `$WORKBENCH_HOME`, else `./workspace`."""
        chosen = home if home not in (None, "") else os.environ.get(ENV_VAR) or DEFAULT_HOME
        return cls(Path(chosen).expanduser().resolve())

    @property
    def catalog_dir(self) -> Path:
        return self.root / "catalog"

    @property
    def lancedb_dir(self) -> Path:
        return self.root / "lancedb"

    @property
    def models_dir(self) -> Path:
        return self.root / "models"

    @property
    def judgments_path(self) -> Path:
        return self.root / "judgments.duckdb"

    @property
    def runs_dir(self) -> Path:
        return self.root / "runs"

    @property
    def sample_dir(self) -> Path:
        """Where `workbench demo` writes the generated sample catalog before ingesting it."""
        return self.root / "sample"

    def create(self) -> "Workspace":
        for folder in (self.catalog_dir, self.lancedb_dir, self.models_dir, self.runs_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self
