"""Models: open_clip image-text encoders, the MiniLM text encoder, and the offline sample model."""

from engine.models.clip_encoder import ClipEncoder, ClipSpec, load_clip
from engine.models.errors import CheckpointError, ModelMismatchError, UnknownModelError
from engine.models.identity import ModelIdentity
from engine.models.registry import check_clip_name, known_clip_models
from engine.models.sample_model import SAMPLE_MODEL_NAME
from engine.models.text_encoder import TextEncoder, load_text_encoder

__all__ = [
    "SAMPLE_MODEL_NAME",
    "CheckpointError",
    "ClipEncoder",
    "ClipSpec",
    "ModelIdentity",
    "ModelMismatchError",
    "TextEncoder",
    "UnknownModelError",
    "check_clip_name",
    "known_clip_models",
    "load_clip",
    "load_text_encoder",
]
