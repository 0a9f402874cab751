"""The CLIP-style attribute tagger (PinLanding): a product tower and an attribute-phrase tower in one space.

Product side: an item's stored `image_vec` and `text_vec`, concatenated, through a small MLP.
Attribute side: the MiniLM embedding of the phrase "family: value" (computed once per phrase and
cached), through a learned projection. Both ends are L2-normalised; the score of an (item, attribute)
pair is their cosine similarity. Training is in tagger_train.py, thresholds in tagger_calibrate.py.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields

import numpy as np

PHRASE_FORMAT = "{family}: {value}"


@dataclass(frozen=True)
class TaggerSettings:
    """Training, calibration and assignment settings of the tagger (stored in the checkpoint's metadata)."""

    dim: int = 128  # shared embedding width
    hidden: int = 256  # MLP width of both towers
    dropout: float = 0.1  # on the product tower's input, against memorising item vectors
    epochs: int = 30  # passes over the training (item, attribute) positives
    batch_size: int = 128  # items per step (each against the whole vocabulary)
    lr: float = 2e-3  # peak AdamW learning rate (cosine decay after warm-up)
    weight_decay: float = 1e-4
    warmup_steps: int = 30
    temperature: float = 0.07  # initial temperature (learned, kept above 0.01)
    seed: int = 0
    threads: int = 2  # torch CPU threads (on an oversubscribed machine 1 can be several times faster)
    held_out_percent: int = 10  # items held out (by a hash of item_id) for calibration and evaluation
    # precision the thresholds aim at, measured against the held-out extraction positives; those are noisy (on
    # the sample the true colour is among an item's extracted colours 54% of the time), so 0.8 is unreachable
    # there and starves assignment, while 0.5 gives about 80% precision against the ground truth
    target_precision: float = 0.5
    smoothing_support: float = 20.0  # k: an attribute with n held-out positives trusts its own threshold n/(n+k)
    # families every product has, whose top value is always kept: the workspace vocabulary's product type
    # (tagger_vocabulary.settings_for sets it); empty when no product type is known
    always_top_families: tuple[str, ...] = ()
    max_per_family: int = 1  # candidates per family and item: its best value(s), kept above threshold

    def to_dict(self) -> dict:
        data = asdict(self)
        data["always_top_families"] = list(self.always_top_families)
        return data

    @classmethod
    def from_dict(cls, data: Mapping) -> TaggerSettings:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown tagger settings {unknown}; known settings: {sorted(known)}")
        values = dict(data)
        if "always_top_families" in values:
            values["always_top_families"] = tuple(values["always_top_families"])
        return cls(**values).check()

    def check(self) -> TaggerSettings:
        for name in ("dim", "hidden", "epochs", "batch_size", "threads", "max_per_family"):
            if getattr(self, name) < 1:
                raise ValueError(f"tagger setting {name} must be at least 1, got {getattr(self, name)}")
        if not 0 < self.lr < 1:
            raise ValueError(f"tagger setting lr must lie in (0, 1), got {self.lr}")
        if not 0 < self.target_precision < 1:
            raise ValueError(f"tagger setting target_precision must lie in (0, 1), got {self.target_precision}; "
                             "pass e.g. --target-precision 0.8")
        if not 1 <= self.held_out_percent <= 50:
            raise ValueError(f"tagger setting held_out_percent must lie in 1..50, got {self.held_out_percent}")
        if not 0 < self.temperature < 1:
            raise ValueError(f"tagger setting temperature must lie in (0, 1), got {self.temperature}")
        if self.smoothing_support < 0:
            raise ValueError(f"tagger setting smoothing_support must be >= 0, got {self.smoothing_support}")
        return self


def attribute_list(families: Mapping[str, Sequence[str]]) -> list[tuple[str, str]]:
    """The vocabulary's (family, value) pairs in a stable order: families sorted, values as curated."""
    pairs = [(f, v) for f in sorted(families) for v in families[f]]
    if not pairs:
        raise ValueError("the curated vocabulary has no values: nothing to tag; lower the curation's minimum "
                         "support or check the extraction output")
    return pairs


def phrase(family: str, value: str) -> str:
    """The text the attribute tower embeds."""
    return PHRASE_FORMAT.format(family=family, value=value)


def vocabulary_hash(attributes: Sequence[tuple[str, str]]) -> str:
    """A stable hash of the tagged (family, value) list; the checkpoint refuses another vocabulary."""
    return hashlib.sha256(json.dumps([list(a) for a in attributes]).encode()).hexdigest()


def is_held_out(item_id: str, percent: int = 10) -> bool:
    """Whether an item is held out for calibration and evaluation: a stable hash of its id."""
    digest = hashlib.sha256(f"tagger-holdout:{item_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 100 < percent


_PHRASE_CACHE: dict[tuple[str, str], np.ndarray] = {}


def embed_phrases(text_encoder, attributes: Sequence[tuple[str, str]]) -> np.ndarray:
    """MiniLM (or any encoder with .encode and .identity) vectors of the attribute phrases, each encoded once."""
    key = text_encoder.identity.key()
    texts = [phrase(f, v) for f, v in attributes]
    new = sorted({t for t in texts if (key, t) not in _PHRASE_CACHE})
    if new:
        for text, vec in zip(new, text_encoder.encode(new)):
            _PHRASE_CACHE[(key, text)] = np.asarray(vec, dtype=np.float32)
    return np.stack([_PHRASE_CACHE[(key, t)] for t in texts]) if texts else np.zeros((0, text_encoder.identity.dim))


def build_towers(product_dim: int, phrase_dim: int, settings: TaggerSettings):
    """The two towers and the learned logit scale, as one torch module."""
    import torch
    from torch import nn

    class DualEncoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.product = nn.Sequential(nn.Dropout(settings.dropout), nn.Linear(product_dim, settings.hidden),
                                         nn.GELU(), nn.Linear(settings.hidden, settings.dim))
            self.attribute = nn.Sequential(nn.Linear(phrase_dim, settings.hidden), nn.GELU(),
                                           nn.Linear(settings.hidden, settings.dim))
            self.logit_scale = nn.Parameter(torch.tensor(float(np.log(1 / settings.temperature))))

        def encode_products(self, x):
            return nn.functional.normalize(self.product(x), dim=-1)

        def encode_attributes(self, x):
            return nn.functional.normalize(self.attribute(x), dim=-1)

    return DualEncoder()


def score_matrix(model, product_vecs: np.ndarray, phrase_vecs: np.ndarray, chunk: int = 8192) -> np.ndarray:
    """Cosine scores (items x attributes) of a trained model, in eval mode, chunked over items."""
    import torch

    model.eval()
    with torch.no_grad():
        attrs = model.encode_attributes(torch.from_numpy(np.ascontiguousarray(phrase_vecs, dtype=np.float32)))
        out = np.empty((len(product_vecs), len(phrase_vecs)), dtype=np.float32)
        for start in range(0, len(product_vecs), chunk):
            x = torch.from_numpy(np.ascontiguousarray(product_vecs[start:start + chunk], dtype=np.float32))
            out[start:start + chunk] = (model.encode_products(x) @ attrs.T).numpy()
    return out
