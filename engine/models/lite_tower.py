"""The sample model's pretrained image trunk: frozen ImageNet EfficientNet-Lite0 features beside a color histogram.

Registered as a timm model (`workbench_lite0_color`) so that open_clip's factory builds it as an
ordinary timm vision tower (`TimmModel`: this trunk, then the trained projection head). ImageNet
features are trained to ignore color, and color is half of what a shopper types, so the trunk's
pooled features are concatenated with a color histogram of the whole image and of its center
(where the product usually is). Neither part has trainable weights, so training caches the
trunk's output once and trains only the projection head.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

TIMM_NAME = "workbench_lite0_color"
# open_clip's default preprocessing (the model config sets none) normalises with OpenAI CLIP's statistics;
# the trunk undoes that and applies Google's own (mean 0.5, std 0.5).
OPENAI_MEAN = (0.48145466, 0.4578275, 0.40821073)
OPENAI_STD = (0.26862954, 0.26130258, 0.27577711)
TRUNK_FEATURES = 1280


class ColorHistogram(nn.Module):
    """Square roots of the fractions of pixels in each of bins**3 RGB cells, over the whole image and its center."""

    def __init__(self, bins: int = 6):
        super().__init__()
        self.bins = bins
        self.num_features = 2 * bins ** 3

    def _histogram(self, rgb: torch.Tensor) -> torch.Tensor:
        b = self.bins
        q = (rgb * b).long().clamp_(0, b - 1)
        cell = (q[:, 0] * b + q[:, 1]) * b + q[:, 2]  # (n, h, w)
        flat = cell.flatten(1)
        counts = torch.zeros(rgb.shape[0], b ** 3, dtype=rgb.dtype, device=rgb.device)
        counts.scatter_add_(1, flat, torch.ones_like(flat, dtype=rgb.dtype))
        return (counts / flat.shape[1]).sqrt()

    def forward(self, rgb: torch.Tensor) -> torch.Tensor:
        h, w = rgb.shape[-2:]
        center = rgb[..., h // 4: h - h // 4, w // 4: w - w // 4]
        return torch.cat([self._histogram(rgb), self._histogram(center)], dim=1)


class Lite0ColorTrunk(nn.Module):
    """Frozen EfficientNet-Lite0 (package weights, eval mode always) + color histogram; each part layer-normed."""

    def __init__(self, bins: int = 6):
        super().__init__()
        from engine.models.pretrained_trunk import efficientnet_lite0

        self.net = efficientnet_lite0(num_classes=0).to(memory_format=torch.channels_last)
        for param in self.net.parameters():
            param.requires_grad = False
        self.color = ColorHistogram(bins)
        self.num_features = TRUNK_FEATURES + self.color.num_features
        self.default_cfg = {"pool_size": None}  # read by open_clip's TimmModel: the output is already pooled
        self.pretrained_cfg = self.default_cfg
        self.register_buffer("in_mean", torch.tensor(OPENAI_MEAN).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("in_std", torch.tensor(OPENAI_STD).view(1, 3, 1, 1), persistent=False)

    def train(self, mode: bool = True):
        super().train(mode)
        self.net.eval()  # frozen: BatchNorm keeps ImageNet statistics even while the head trains
        return self

    def reset_classifier(self, num_classes: int = 0, global_pool: str = "avg") -> None:
        if num_classes or global_pool not in ("avg", ""):
            raise ValueError(f"{TIMM_NAME} has no classifier and pools by average; use timm_pool 'avg' and a "
                             f"'linear' or 'mlp' timm_proj (got num_classes={num_classes}, pool={global_pool!r})")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        rgb = (x * self.in_std + self.in_mean).clamp(0, 1)
        with torch.no_grad():
            # channels_last: about 1.5x the images/s of the default layout on a 2-core CPU (measured at 128 px)
            pooled = self.net(((rgb - 0.5) / 0.5).contiguous(memory_format=torch.channels_last))
            color = self.color(rgb)
        return torch.cat([F.layer_norm(pooled, pooled.shape[-1:]), F.layer_norm(color, color.shape[-1:])], dim=1)


def register_lite0_tower() -> None:
    """Make `workbench_lite0_color` a timm model name (idempotent)."""
    from timm.models import is_model, register_model

    if is_model(TIMM_NAME):
        return

    def workbench_lite0_color(pretrained: bool = False, **kwargs) -> Lite0ColorTrunk:
        # The ImageNet weights always come from the pinned package file (no hub), whatever `pretrained` says.
        for ignored in ("pretrained_cfg", "pretrained_cfg_overlay", "cache_dir"):
            kwargs.pop(ignored, None)
        if kwargs:
            raise ValueError(f"{TIMM_NAME} takes no options; got {sorted(kwargs)}")
        return Lite0ColorTrunk()

    workbench_lite0_color.__module__ = __name__
    register_model(workbench_lite0_color)
