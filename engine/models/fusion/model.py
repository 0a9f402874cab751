"""The early-fusion composed-query encoder: a Combiner (Baldrati et al. 2022) over open_clip embeddings.

Reference image embedding r and modification-text embedding t (same open_clip model, L2-normalised)
are projected, concatenated and mixed by an MLP; a learned dynamic scalar lam adds lam*t + (1-lam)*r,
so an untrained-looking output still lands near late fusion. The output is an L2-normalised vector
in the same space, searched against the items' `image_vec`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class FusionArchitecture:
    dim: int  # the open_clip embedding dimension (input and output)
    proj_dim: int = 256  # width of each modality's projection
    hidden_dim: int = 512  # width of the combining MLP
    dropout: float = 0.1  # dropout inside the MLPs, during training only

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> FusionArchitecture:
        return cls(int(data["dim"]), int(data["proj_dim"]), int(data["hidden_dim"]), float(data["dropout"]))


class Combiner(nn.Module):
    """compose(r, t) = normalise(MLP([proj(r), proj(t)]) + lam * t + (1 - lam) * r), lam = sigmoid(MLP(...))."""

    def __init__(self, arch: FusionArchitecture):
        super().__init__()
        self.arch = arch
        d, p, h = arch.dim, arch.proj_dim, arch.hidden_dim
        self.image_proj = nn.Sequential(nn.Linear(d, p), nn.ReLU(), nn.Dropout(arch.dropout))
        self.text_proj = nn.Sequential(nn.Linear(d, p), nn.ReLU(), nn.Dropout(arch.dropout))
        self.combine = nn.Sequential(nn.Linear(2 * p, h), nn.ReLU(), nn.Dropout(arch.dropout), nn.Linear(h, d))
        self.mix = nn.Sequential(nn.Linear(2 * p, p), nn.ReLU(), nn.Dropout(arch.dropout), nn.Linear(p, 1))

    def forward(self, image: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        joint = torch.cat([self.image_proj(image), self.text_proj(text)], dim=-1)
        lam = torch.sigmoid(self.mix(joint))
        out = self.combine(joint) + lam * text + (1.0 - lam) * image
        return nn.functional.normalize(out, dim=-1)

    def param_count(self) -> int:
        return sum(p.numel() for p in self.parameters())


def compose(model: Combiner, image, text):
    """The composed query vectors for numpy rows (or one row) of reference and text embeddings, as float32 numpy."""
    import numpy as np

    image, text = np.array(image, np.float32), np.array(text, np.float32)  # copies: torch wants writable arrays
    single = image.ndim == 1
    if image.shape != text.shape or image.shape[-1] != model.arch.dim:
        raise ValueError(f"fusion model expects reference and text vectors of dimension {model.arch.dim} and equal "
                         f"shape, got {image.shape} and {text.shape}; embed both with the model it was trained over")
    with torch.no_grad():
        model.eval()
        out = model(torch.from_numpy(np.atleast_2d(image)), torch.from_numpy(np.atleast_2d(text))).numpy()
    return out[0] if single else out
