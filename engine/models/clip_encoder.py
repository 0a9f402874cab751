"""open_clip image-text encoder: load any model by name, tag, hub id or local checkpoint; encode in batches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.models.errors import CheckpointError
from engine.models.identity import ModelIdentity, file_sha256
from engine.models.image_rgb import as_rgb
from engine.models.quiet_loading import quiet_loading
from engine.models.registry import check_clip_name
from engine.models.sample_model import COMMITTED_CHECKPOINT, SAMPLE_MODEL_NAME

ImageInput = "str | Path | PIL.Image.Image"


@dataclass(frozen=True)
class ClipSpec:
    name: str = SAMPLE_MODEL_NAME  # open_clip architecture name, hf-hub:ORG/REPO or local-dir:PATH
    pretrained: str | None = None  # pretrained tag or checkpoint file; None: the sample model's committed checkpoint
    config: str | None = None  # JSON model config of a custom architecture, registered under the file's stem

    def describe(self) -> str:
        return self.name if not self.pretrained else f"{self.name} ({self.pretrained})"


class ClipEncoder:
    """An open_clip model with its own preprocessing and tokenizer; every output row is L2-normalised."""

    def __init__(self, model, preprocess, tokenizer, identity: ModelIdentity, *, batch_size: int = 64):
        self.model = model.eval()
        self.preprocess = preprocess
        self.tokenizer = tokenizer
        self.identity = identity
        self.batch_size = batch_size

    @property
    def dim(self) -> int:
        return self.identity.dim

    @property
    def device(self):
        """Where the model's weights are (the CPU unless a caller moved the model, e.g. a Ray actor to its GPU)."""
        import torch

        weight = next(self.model.parameters(), None)
        return weight.device if weight is not None else torch.device("cpu")

    def encode_images(self, images: Sequence, *, progress: bool = False) -> np.ndarray:
        """Embed images given as paths or PIL images (crop a PIL image first for object-level search)."""
        import torch
        from tqdm import tqdm

        out = np.empty((len(images), self.dim), dtype=np.float32)
        with torch.inference_mode():
            for start in tqdm(range(0, len(images), self.batch_size), desc="embed images", unit="batch",
                              disable=not progress):
                batch = [self.preprocess(_as_rgb(im)) for im in images[start:start + self.batch_size]]
                features = self.model.encode_image(torch.stack(batch).to(self.device))
                out[start:start + len(batch)] = torch.nn.functional.normalize(features, dim=-1).cpu().numpy()
        return out

    def encode_texts(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Embed texts with the model's own tokenizer."""
        import torch
        from tqdm import tqdm

        out = np.empty((len(texts), self.dim), dtype=np.float32)
        step = self.batch_size * 4
        dynamic = _mean_pooled_hf_text(self.model, self.tokenizer)
        device = self.device
        # Similar lengths together, so that dynamic padding pads little; results go back in input order.
        order = sorted(range(len(texts)), key=lambda i: len(str(texts[i]))) if dynamic else range(len(texts))
        order = list(order)
        with torch.inference_mode():
            for start in tqdm(range(0, len(texts), step), desc="embed texts", unit="batch", disable=not progress):
                rows = order[start:start + step]
                chunk = [str(texts[i]) for i in rows]
                features = (self._encode_padded(chunk, device) if dynamic
                            else self.model.encode_text(self.tokenizer(chunk).to(device)))
                out[rows] = torch.nn.functional.normalize(features, dim=-1).cpu().numpy()
        return out

    def _encode_padded(self, chunk: list[str], device):
        """encode_text for a mean-pooled Hugging Face text tower, padded to the chunk's longest text.

        The mean pooler ignores padding, so this equals encode_text (which pads to the context
        length) to float rounding, at a fraction of the cost for short texts.
        """
        tok = self.tokenizer
        enc = tok.tokenizer([tok.clean_fn(t) for t in chunk], padding=True, truncation=True,
                            max_length=tok.context_length, return_tensors="pt")
        ids, mask = enc["input_ids"].to(device), enc["attention_mask"].to(device)
        text = self.model.text
        return text.proj(text.pooler(text.transformer(input_ids=ids, attention_mask=mask), mask))


def _mean_pooled_hf_text(model, tokenizer) -> bool:
    from open_clip.hf_model import HFTextEncoder, MeanPooler

    text = getattr(model, "text", None)
    return (isinstance(text, HFTextEncoder) and isinstance(text.pooler, MeanPooler)
            and not text.output_tokens and hasattr(tokenizer, "clean_fn") and hasattr(tokenizer, "tokenizer"))


def _as_rgb(image):
    return as_rgb(image)


def load_clip(spec: ClipSpec = ClipSpec(), *, batch_size: int = 64) -> ClipEncoder:
    """Build the model through open_clip's factory and load its weights; errors name the file or name."""
    import open_clip

    if spec.config:
        config = Path(spec.config)
        if not config.is_file():
            raise FileNotFoundError(f"model config {config} not found; pass a JSON open_clip model config")
        open_clip.add_model_config(config)
        if spec.name != config.stem:
            raise ValueError(f"--clip-config {config} registers the model {config.stem!r}, but --clip-model is "
                             f"{spec.name!r}; name the model after the file")
    if spec.name == SAMPLE_MODEL_NAME:
        return _load_sample(spec, batch_size)
    check_clip_name(spec.name)
    pretrained = spec.pretrained
    checkpoint_sha = ""
    if pretrained and (Path(pretrained).suffix or "/" in pretrained):
        path = Path(pretrained)
        if not path.is_file():
            raise CheckpointError(f"checkpoint {path} not found; pass an existing file or a pretrained tag of "
                                  f"{spec.name} ({', '.join(open_clip.list_pretrained_tags_by_model(spec.name)) or 'none'})")
        checkpoint_sha = file_sha256(path)
    try:
        with quiet_loading():
            model, _, preprocess = open_clip.create_model_and_transforms(spec.name, pretrained=pretrained)
    except RuntimeError as exc:
        if checkpoint_sha:
            first = str(exc).strip().splitlines()[0][:300]
            raise CheckpointError(f"checkpoint {pretrained} does not fit the {spec.name} architecture ({first}); "
                                  "pass the checkpoint made for this model, or the model config it was made with") from None
        raise CheckpointError(f"cannot load {spec.describe()}: {exc}. Without a network, download the weights "
                              "elsewhere and pass --clip-pretrained /path/to/weights") from None
    tokenizer = open_clip.get_tokenizer(spec.name)
    dim = _embed_dim(model, preprocess)
    identity = ModelIdentity(spec.name, Path(pretrained).name if checkpoint_sha else (pretrained or ""),
                             checkpoint_sha, dim)
    return ClipEncoder(model, preprocess, tokenizer, identity, batch_size=batch_size)


def _load_sample(spec: ClipSpec, batch_size: int) -> ClipEncoder:
    from engine.models.sample_checkpoint import build_sample_model

    checkpoint = Path(spec.pretrained) if spec.pretrained else COMMITTED_CHECKPOINT
    model, preprocess, tokenizer, info = build_sample_model(checkpoint)
    identity = ModelIdentity(SAMPLE_MODEL_NAME, checkpoint.name, info.checkpoint_sha256,
                             _embed_dim(model, preprocess))
    return ClipEncoder(model, preprocess, tokenizer, identity, batch_size=batch_size)


def _embed_dim(model, preprocess) -> int:
    import torch
    from PIL import Image

    model.eval()  # a forward pass in train mode would move BatchNorm statistics
    with torch.inference_mode():
        return int(model.encode_image(preprocess(Image.new("RGB", (32, 32))).unsqueeze(0)).shape[-1])
