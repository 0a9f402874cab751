"""The two stages of batch attribute assignment, shared by every runner.

Stage A (CPU, `preprocess`): read and decode each item's image, resize and normalise it with the open_clip
image tower's own transform; carry the item's text. Stage B (`infer`, a model bundle loaded once per
process or Ray actor): embed images with open_clip and texts with the text encoder (the tagger's product
side: [image_vec, text_vec], a missing image is zeros as in the index), score against the attribute tower,
keep what passes the calibrated thresholds. A batch is columnar: {column: sequence}, one row per item.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

INPUT_COLUMNS = ("item_id", "image_path", "text")  # what stage A reads from each row
OUTPUT_COLUMNS = ("item_id", "tagged")  # what stage B returns: tagged is JSON [[family, value, confidence], ...]


@dataclass(frozen=True)
class ModelSpec:
    """How to load stage B's models in any process (picklable: it travels to Ray actors)."""

    checkpoint: str  # the tagger checkpoint (its .json metadata beside it)
    clip: dict = field(default_factory=dict)  # ClipSpec fields of the model that made image_vec
    text: dict = field(default_factory=dict)  # load_text_encoder kwargs of the model that made text_vec
    threads: int = 0  # torch CPU threads in the loading process (0: leave torch's default)


@dataclass
class BatchModels:
    """Stage B's models, loaded once: open_clip, the text encoder, the tagger and its attribute phrases."""

    clip: object
    text_encoder: object
    tagger: object
    attributes: list[tuple[str, str]]
    phrases: np.ndarray
    calibration: object
    settings: object


def load_models(spec: ModelSpec, *, clip=None, text_encoder=None) -> BatchModels:
    """Load (or take) the encoders, then the tagger checked against them; embeds the attribute phrases once."""
    from engine.attributes.tagger import embed_phrases
    from engine.attributes.tagger_checkpoint import load_tagger
    from engine.index.columns import IMAGE_VEC, TEXT_VEC

    if spec.threads:
        import torch

        torch.set_num_threads(spec.threads)
    if clip is None:
        from engine.models.clip_encoder import ClipSpec, load_clip

        clip = load_clip(ClipSpec(**spec.clip))
    if text_encoder is None:
        from engine.models.text_encoder import load_text_encoder

        text_encoder = load_text_encoder(**spec.text)
    tagger, meta = load_tagger(Path(spec.checkpoint), phrase_model=text_encoder.identity.key(),
                               product_models={IMAGE_VEC: clip.identity.key(), TEXT_VEC: text_encoder.identity.key()})
    attributes = [tuple(a) for a in meta.attributes]
    return BatchModels(clip, text_encoder, tagger, attributes, embed_phrases(text_encoder, attributes),
                       meta.calibration_obj, meta.settings_obj)


def _image_size(transform) -> tuple[int, int]:
    """(height, width) the transform produces, from a blank image."""
    from PIL import Image

    return tuple(np.asarray(transform(Image.new("RGB", (8, 8)))).shape[-2:])


def preprocess(batch: Mapping, *, transform, image_root: str | Path) -> dict:
    """Stage A: decode + transform every image (zeros and has_image False where none or unreadable)."""
    from PIL import Image

    missing = [c for c in INPUT_COLUMNS if c not in batch]
    if missing:
        raise ValueError(f"a batch lacks the columns {missing}; expected {list(INPUT_COLUMNS)} (one row per item)")
    ids = [str(i) for i in batch["item_id"]]
    paths = list(batch["image_path"])
    pixels: list = []
    has_image = np.zeros(len(ids), dtype=bool)
    for n, rel in enumerate(paths):
        image = None
        if rel is not None and str(rel):
            try:
                with Image.open(Path(image_root) / str(rel)) as im:
                    image = transform(im.convert("RGB"))
            except (OSError, ValueError, Image.DecompressionBombError):
                image = None
        has_image[n] = image is not None
        pixels.append(None if image is None else np.asarray(image, dtype=np.float32))
    shape = next((p.shape for p in pixels if p is not None), (3, *_image_size(transform)))
    block = np.zeros((len(ids), *shape), dtype=np.float32)
    for n, p in enumerate(pixels):
        if p is not None:
            block[n] = p
    return {"item_id": np.array(ids, dtype=object), "pixels": block, "has_image": has_image,
            "text": np.array(["" if t is None else str(t) for t in batch["text"]], dtype=object)}


def product_vectors(batch: Mapping, models: BatchModels) -> np.ndarray:
    """The tagger's product-side input of a preprocessed batch: [L2 open_clip image, text encoder text]."""
    import torch

    has_image = np.asarray(batch["has_image"], dtype=bool)
    n = len(has_image)
    image = np.zeros((n, models.clip.identity.dim), dtype=np.float32)
    if has_image.any():
        with torch.inference_mode():
            pixels = torch.from_numpy(np.ascontiguousarray(np.asarray(batch["pixels"], np.float32)[has_image]))
            features = models.clip.model.encode_image(pixels)
            image[has_image] = torch.nn.functional.normalize(features, dim=-1).numpy()
    texts = [str(t) for t in batch["text"]]
    text = models.text_encoder.encode(texts) if n else np.zeros((0, models.text_encoder.identity.dim), np.float32)
    return np.concatenate([image, np.asarray(text, np.float32)], axis=1)


def infer(batch: Mapping, models: BatchModels) -> dict:
    """Stage B: product vectors -> tagger scores -> calibrated assignment, one JSON list per item."""
    from engine.attributes.tagger import score_matrix
    from engine.attributes.tagger_assign import assign_rows

    vectors = product_vectors(batch, models)
    scores = score_matrix(models.tagger, vectors, models.phrases)
    rows = assign_rows(scores, models.calibration.confidence(scores), models.calibration.thresholds,
                       models.attributes, always_top_families=models.settings.always_top_families,
                       max_per_family=models.settings.max_per_family)
    return {"item_id": np.array([str(i) for i in batch["item_id"]], dtype=object),
            "tagged": np.array([json.dumps([list(a) for a in row]) for row in rows], dtype=object)}


def decode_tagged(value: str) -> list[tuple[str, str, float]]:
    """The (family, value, confidence) rows of one item, from stage B's JSON."""
    return [(str(f), str(v), float(c)) for f, v, c in json.loads(value)]
