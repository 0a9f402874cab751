"""Which model made a vector: the name and checkpoint hash recorded beside every vector column."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class ModelIdentity:
    name: str  # model name as configured (open_clip architecture, hf-hub id, or sentence-transformers folder)
    checkpoint: str  # pretrained tag or file name the weights came from ("" for random init)
    checkpoint_sha256: str  # hash of the weights file ("" for a pretrained tag resolved by the library)
    dim: int  # embedding dimension

    def key(self) -> str:
        """A short stable text form: `name@sha256:0123abcd4567` (or `name@tag`), used in table metadata."""
        weights = f"sha256:{self.checkpoint_sha256[:12]}" if self.checkpoint_sha256 else self.checkpoint or "random"
        return f"{self.name}@{weights}/{self.dim}d"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ModelIdentity:
        return cls(str(data["name"]), str(data["checkpoint"]), str(data["checkpoint_sha256"]), int(data["dim"]))


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()
