"""The demo bundle: what the first `make demo` would compute for the 3,000-item sample, made once and committed.

The sample catalog is deterministic (generator version, n and seed), and so is everything trained from it.
Training SearchSage, the engagement model and the relevance model and embedding 6,000 item texts take about
ten minutes on 2 cores, so the bundle in `sample_data/demo_bundle/` holds their results: the three small
checkpoints and the two text models' vectors of every item text. The demo uses them only when the
workspace's catalog has the bundle's content fingerprint (sample_data/fingerprint.py) and the index's image
and text models are the bundle's; otherwise it trains and embeds as a user's workspace would, and says why.
Remake the bundle after changing the generator, a model or a trainer:

    .venv/bin/python scripts/make_demo_bundle.py
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.index.text_vector_cache import CachedTexts, TextVectors, cache_for, load_text_vectors, save_text_vectors
from engine.models.identity import ModelIdentity

BUNDLE_DIR = Path(__file__).resolve().parent.parent / "sample_data" / "demo_bundle"
MANIFEST = "bundle.json"
TEXT_VECTORS = "text_vectors.npz"
REMAKE = ".venv/bin/python scripts/make_demo_bundle.py"
MODEL_FILES = {  # model -> its files under WORKSPACE/models/ (the checkpoint the demo needs, then its metadata)
    "searchsage": ("searchsage.safetensors", "searchsage.json"),
    "engagement": ("engagement.json",),
    "relevance": ("relevance-student.safetensors", "relevance-student.json"),
}


@dataclass(frozen=True)
class DemoBundle:
    folder: Path
    n: int
    seed: int
    fingerprint: str  # of the sample catalog the bundle was made from
    clip: ModelIdentity  # the image-text model of the index it was made from
    text: ModelIdentity  # the text model of that index
    models: tuple[str, ...]

    def text_vectors(self) -> list[TextVectors]:
        return load_text_vectors(self.folder / TEXT_VECTORS)


def read_bundle(folder: Path = BUNDLE_DIR) -> DemoBundle | None:
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    return DemoBundle(Path(folder), int(data["n"]), int(data["seed"]), data["fingerprint"],
                      ModelIdentity.from_dict(data["clip"]), ModelIdentity.from_dict(data["text"]),
                      tuple(data["models"]))


def matching_bundle(sample_dir: Path, n: int, seed: int, clip_identity: ModelIdentity,
                    text_identity: ModelIdentity, folder: Path = BUNDLE_DIR) -> tuple[DemoBundle | None, str]:
    """(the bundle, "") when it was made from exactly this catalog and these models, else (None, why not)."""
    from sample_data.fingerprint import sample_fingerprint

    bundle = read_bundle(folder)
    if bundle is None:
        return None, f"no demo bundle at {folder}"
    if (bundle.n, bundle.seed) != (n, seed):
        return None, f"the demo bundle is for the {bundle.n}-item sample of seed {bundle.seed}, not n={n}, seed={seed}"
    for role, have, made in (("image-text", clip_identity, bundle.clip), ("text", text_identity, bundle.text)):
        if have != made:
            return None, (f"the demo bundle was made with the {role} model {made.key()}, but this index uses "
                          f"{have.key()}; remake it with `{REMAKE}`")
    if sample_fingerprint(sample_dir) != bundle.fingerprint:
        return None, f"this sample catalog's content differs from the demo bundle's; remake it with `{REMAKE}`"
    return bundle, ""


def cached_encoders(bundle: DemoBundle, clip, text_encoder):
    """The index's two encoders, each reusing the bundle's vectors of the texts it has (the rest are embedded)."""
    caches = bundle.text_vectors()
    clip_cache, text_cache = cache_for(clip.identity, caches), cache_for(text_encoder.identity, caches)
    return (CachedTexts(clip, clip_cache, "encode_texts") if clip_cache else clip,
            CachedTexts(text_encoder, text_cache, "encode") if text_cache else text_encoder)


def install_model(bundle: DemoBundle, workspace, model: str) -> bool:
    """Copy a model's checkpoint from the bundle into WORKSPACE/models/ (SearchSage also writes `learned_vec`);
    False when the bundle has no such model."""
    if model not in bundle.models:
        return False
    workspace.models_dir.mkdir(parents=True, exist_ok=True)
    for name in MODEL_FILES[model]:
        shutil.copyfile(bundle.folder / "models" / name, workspace.models_dir / name)
    if model == "searchsage":
        from engine.models.searchsage.workspace_train import write_learned_from_checkpoint

        try:
            write_learned_from_checkpoint(workspace, workspace.models_dir / MODEL_FILES[model][0],
                                          workspace.sample_dir / "search_log")
        except Exception:
            for name in MODEL_FILES[model]:  # never leave a checkpoint without its column
                (workspace.models_dir / name).unlink(missing_ok=True)
            raise
    return True


def export_bundle(workspace, out: Path, *, sample_dir: Path | None = None,
                  models: tuple[str, ...] = tuple(MODEL_FILES)) -> dict:
    """Write a bundle from a prepared workspace: its index's text vectors (both encoders), the named models'
    files and the manifest (`sample_dir`: the sample catalog it was made from, default WORKSPACE/sample)."""
    from engine.index.columns import CLIP_TEXT_VEC, ENRICHED_TEXT, TEXT_VEC, recorded_identity
    from engine.index.store import open_items_table, read_columns
    from sample_data.fingerprint import sample_fingerprint

    sample_dir = Path(sample_dir or workspace.sample_dir)
    manifest = json.loads((sample_dir / "manifest.json").read_text())
    missing = [name for model in models for name in MODEL_FILES[model] if not (workspace.models_dir / name).is_file()]
    if missing:
        raise FileNotFoundError(f"{workspace.models_dir} lacks {', '.join(missing)}; prepare the workspace with "
                                f"`workbench demo --no-bundle --prepare-only --home {workspace.root}` first")
    table = open_items_table(workspace)
    rows = read_columns(table, [ENRICHED_TEXT, CLIP_TEXT_VEC, TEXT_VEC])
    texts = rows.column(ENRICHED_TEXT).to_pylist()
    caches = [TextVectors.of(recorded_identity(table.schema, column), texts,
                             np.asarray(rows.column(column).to_pylist(), np.float32))
              for column in (CLIP_TEXT_VEC, TEXT_VEC)]
    out = Path(out)
    shutil.rmtree(out / "models", ignore_errors=True)
    (out / "models").mkdir(parents=True)
    for model in models:
        for name in MODEL_FILES[model]:
            shutil.copyfile(workspace.models_dir / name, out / "models" / name)
    save_text_vectors(out / TEXT_VECTORS, caches)
    bundle = {"n": manifest["n"], "seed": manifest["seed"], "fingerprint": sample_fingerprint(sample_dir),
              "clip": caches[0].identity.to_dict(), "text": caches[1].identity.to_dict(), "models": sorted(models),
              "texts": len(texts), "made": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "remake": REMAKE}
    (out / MANIFEST).write_text(json.dumps(bundle, indent=2, sort_keys=True) + "\n")
    return bundle
