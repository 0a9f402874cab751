"""sentence-transformers text encoder (the packaged all-MiniLM-L6-v2 by default), L2-normalised."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from engine.models.identity import ModelIdentity, file_sha256
from engine.models.minilm import minilm_path
from engine.models.quiet_loading import quiet_loading

DEFAULT_TEXT_MODEL = "all-MiniLM-L6-v2"


class TextEncoder:
    """Embeds an item's enriched text or a query; the same model must embed both."""

    def __init__(self, model, identity: ModelIdentity, *, batch_size: int = 128):
        self.model = model
        self.identity = identity
        self.batch_size = batch_size

    @property
    def dim(self) -> int:
        return self.identity.dim

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        vectors = self.model.encode(
            [str(t) for t in texts], batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=progress,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)


def load_text_encoder(name_or_path: str | None = None, *, batch_size: int = 128) -> TextEncoder:
    """Load a sentence-transformers model from a folder or hub name; None: the packaged MiniLM."""
    from sentence_transformers import SentenceTransformer

    if name_or_path in (None, DEFAULT_TEXT_MODEL):
        folder, name = minilm_path(), DEFAULT_TEXT_MODEL
    else:
        folder, name = Path(name_or_path), str(name_or_path)
        if not folder.exists() and ("/" in str(name_or_path) and not str(name_or_path).count("/") == 1):
            raise FileNotFoundError(f"text model folder {folder} not found; pass a sentence-transformers folder "
                                    "or hub name, or leave --text-model unset for the packaged MiniLM")
    try:
        with quiet_loading():
            model = SentenceTransformer(str(folder), device="cpu")
    except OSError as exc:
        raise FileNotFoundError(f"cannot load text model {name!r} from {folder}: {exc}") from None
    weights = folder / "model.safetensors"
    sha = file_sha256(weights) if weights.is_file() else ""
    dim = int(model.get_embedding_dimension() if hasattr(model, "get_embedding_dimension")
              else model.get_sentence_embedding_dimension())
    return TextEncoder(model, ModelIdentity(name, weights.name if sha else "", sha, dim), batch_size=batch_size)
