"""The one list of image-text model names: the sample model plus every architecture open_clip knows."""

from __future__ import annotations

import difflib

from engine.models.errors import UnknownModelError
from engine.models.sample_model import SAMPLE_MODEL_NAME

SCHEMAS = ("hf-hub:", "local-dir:")


def known_clip_models() -> list[str]:
    """Model names accepted by `--clip-model` (plus `hf-hub:ORG/REPO` and `local-dir:PATH`)."""
    import open_clip

    return [SAMPLE_MODEL_NAME, *open_clip.list_models()]


def check_clip_name(name: str) -> str:
    """Return `name` if it is known; otherwise raise an error listing the known names."""
    if name.startswith(SCHEMAS):
        return name
    known = known_clip_models()
    if name in known:
        return name
    close = difflib.get_close_matches(name, known, n=3)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise UnknownModelError(
        f"unknown image-text model {name!r}.{hint} Known models: {', '.join(known)}; "
        "or use hf-hub:ORG/REPO, local-dir:PATH, or --clip-config FILE.json for a custom architecture"
    )
