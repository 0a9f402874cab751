"""The offline sample model: an open_clip custom model, frozen MiniLM text tower, small trained vision tower."""

from __future__ import annotations

import json
from pathlib import Path

from engine.models.minilm import minilm_path

SAMPLE_MODEL_NAME = "workbench-sample"
CONFIG_PATH = Path(__file__).parent / "configs" / f"{SAMPLE_MODEL_NAME}.json"
# The committed checkpoint (trainable weights only: the text transformer comes from the MiniLM package).
COMMITTED_CHECKPOINT = Path(__file__).parents[2] / "sample_data" / "model" / "workbench-sample.safetensors"
REMAKE_COMMAND = (
    "workbench generate-sample --n 3000 --seed 7 --out /tmp/sample && "
    f"workbench train clip --catalog /tmp/sample --out {COMMITTED_CHECKPOINT.relative_to(COMMITTED_CHECKPOINT.parents[2])}"
)
# Keys of the frozen text transformer; a sample checkpoint leaves them out and they load from the package.
FROZEN_PREFIX = "text.transformer."


def sample_model_config() -> dict:
    """The open_clip model config with the MiniLM placeholder resolved to this machine's package folder."""
    cfg = json.loads(CONFIG_PATH.read_text())
    local = str(minilm_path())
    for key in ("hf_model_name", "hf_tokenizer_name"):
        if cfg["text_cfg"][key] == "@minilm":
            cfg["text_cfg"][key] = local
    return cfg


def register_sample_model() -> None:
    """Make `workbench-sample` a model name open_clip's factory knows (idempotent)."""
    from open_clip import factory

    # open_clip's public add_model_config only reads JSON files; the config needs this machine's path.
    factory._MODEL_CONFIGS[SAMPLE_MODEL_NAME] = sample_model_config()
