"""What the search pipeline asks of its encoders: the real ones (ClipEncoder, TextEncoder) and test fakes alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from engine.models.identity import ModelIdentity


class ImageTextEncoder(Protocol):
    """An open_clip-style model: images and texts into one L2-normalised space (engine.models.clip_encoder)."""

    identity: ModelIdentity

    def encode_images(self, images: Sequence, *, progress: bool = False) -> np.ndarray: ...

    def encode_texts(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray: ...


class SentenceEncoder(Protocol):
    """A text-only embedding model (engine.models.text_encoder, MiniLM by default)."""

    identity: ModelIdentity

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray: ...
