"""The demo bundle: what the first `make demo` would compute for the 3,000-item sample, made once and committed.

The sample catalog is deterministic (generator version, n and seed), and so is everything trained from it.
Training SearchSage, the engagement model and the relevance model and embedding 6,000 item texts take about
ten minutes on 2 cores, so the bundle in `sample_data/demo_bundle/` holds their results: the three small
checkpoints, the two text models' vectors of every item text and the image model's vector of every item
image (by the SHA-256 of the image file's bytes: an image whose bytes differ is embedded). The demo uses them
only when the workspace's catalog has the bundle's content fingerprint (sample_data/fingerprint.py) and the
index's image and text models are the bundle's; otherwise it trains and embeds as a user's workspace would,
and says why.
Remake the bundle after changing the generator, a model or a trainer:

    .venv/bin/python scripts/make_demo_bundle.py
    .venv/bin/python scripts/make_demo_bundle.py --vectors-only --home WS   # only the vector caches
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.index.image_vector_cache import CachedImages, ImageVectors, load_image_vectors, save_image_vectors
from engine.index.text_vector_cache import CachedTexts, TextVectors, cache_for, load_text_vectors, save_text_vectors
from engine.models.identity import ModelIdentity

BUNDLE_DIR = Path(__file__).resolve().parent.parent / "sample_data" / "demo_bundle"
MANIFEST = "bundle.json"
TEXT_VECTORS = "text_vectors.npz"
IMAGE_VECTORS = "image_vectors.npz"
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

    def image_vectors(self) -> list[ImageVectors]:
        """The image model's vectors by image file digest ([] for a bundle made before it held them)."""
        path = self.folder / IMAGE_VECTORS
        return load_image_vectors(path) if path.is_file() else []


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
    """The index's two encoders, each reusing the bundle's vectors of the texts and (the image-text model) the
    image files it has; the rest are embedded. Counts: `.hits` (texts), `.image_hits` (images) of the first."""
    caches = bundle.text_vectors()
    clip_cache, text_cache = cache_for(clip.identity, caches), cache_for(text_encoder.identity, caches)
    image_cache = cache_for(clip.identity, bundle.image_vectors())
    if image_cache is not None:
        clip = CachedImages(clip, image_cache)
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


def _index_vector_caches(workspace) -> tuple[list[TextVectors], list[ImageVectors], int]:
    """The workspace index's own vectors as caches: of the item texts (both encoders), of the image files (the
    image model, by file digest), and the number of texts."""
    from engine.index.columns import CLIP_TEXT_VEC, ENRICHED_TEXT, TEXT_VEC, recorded_identity
    from engine.index.image_vector_cache import image_vectors_of_index
    from engine.index.store import open_items_table, read_columns

    table = open_items_table(workspace)
    rows = read_columns(table, [ENRICHED_TEXT, CLIP_TEXT_VEC, TEXT_VEC])
    texts = rows.column(ENRICHED_TEXT).to_pylist()
    caches = [TextVectors.of(recorded_identity(table.schema, column), texts,
                             np.asarray(rows.column(column).to_pylist(), np.float32))
              for column in (CLIP_TEXT_VEC, TEXT_VEC)]
    return caches, [image_vectors_of_index(table, workspace.root)], len(texts)


def _same_caches(path: Path, caches: list[TextVectors], load) -> bool:
    """Whether the file at `path` holds these caches: the same models, each giving the same vector (to the bit)
    for the same digests (in whatever order)."""
    if not path.is_file():
        return False

    def by_digest(cache):
        order = np.lexsort(cache.digests.T[::-1])
        return cache.digests[order], cache.vectors[order]

    have = load(path)
    return len(have) == len(caches) and all(
        a.identity == b.identity and a.digests.shape == b.digests.shape
        and all(np.array_equal(x, y) for x, y in zip(by_digest(a), by_digest(b)))
        for a, b in zip(have, caches))


def export_bundle(workspace, out: Path, *, sample_dir: Path | None = None,
                  models: tuple[str, ...] = tuple(MODEL_FILES)) -> dict:
    """Write a bundle from a prepared workspace: its index's text vectors (both encoders) and image vectors, the
    named models' files and the manifest (`sample_dir`: the sample catalog it was made from, default
    WORKSPACE/sample)."""
    from sample_data.fingerprint import sample_fingerprint

    sample_dir = Path(sample_dir or workspace.sample_dir)
    manifest = json.loads((sample_dir / "manifest.json").read_text())
    missing = [name for model in models for name in MODEL_FILES[model] if not (workspace.models_dir / name).is_file()]
    if missing:
        raise FileNotFoundError(f"{workspace.models_dir} lacks {', '.join(missing)}; prepare the workspace with "
                                f"`workbench demo --no-bundle --prepare-only --home {workspace.root}` first")
    caches, image_caches, texts = _index_vector_caches(workspace)
    out = Path(out)
    shutil.rmtree(out / "models", ignore_errors=True)
    (out / "models").mkdir(parents=True)
    for model in models:
        for name in MODEL_FILES[model]:
            shutil.copyfile(workspace.models_dir / name, out / "models" / name)
    save_text_vectors(out / TEXT_VECTORS, caches)
    save_image_vectors(out / IMAGE_VECTORS, image_caches)
    bundle = {"n": manifest["n"], "seed": manifest["seed"], "fingerprint": sample_fingerprint(sample_dir),
              "clip": caches[0].identity.to_dict(), "text": caches[1].identity.to_dict(), "models": sorted(models),
              "texts": texts, "images": len(image_caches[0].digests),
              "made": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "remake": REMAKE}
    (out / MANIFEST).write_text(json.dumps(bundle, indent=2, sort_keys=True) + "\n")
    return bundle


def export_vectors(workspace, out: Path = BUNDLE_DIR, *, sample_dir: Path | None = None) -> dict:
    """(Re)write only the vector caches of the bundle at `out` from a workspace prepared from the bundle's very
    catalog with its models (with the bundle or without it): nothing is trained. A cache file whose content
    would not change is left as it is (its bytes too); the manifest records the counts. Returns
    {"written": [file names], "unchanged": [...], "texts": n, "images": n}."""
    from engine.index.columns import IMAGE_VEC, recorded_identity
    from engine.index.store import open_items_table
    from sample_data.fingerprint import sample_fingerprint

    out = Path(out)
    bundle = read_bundle(out)
    if bundle is None:
        raise FileNotFoundError(f"no demo bundle at {out}; make the whole bundle with `{REMAKE}`")
    sample_dir = Path(sample_dir or workspace.sample_dir)
    if sample_fingerprint(sample_dir) != bundle.fingerprint:
        raise ValueError(f"{sample_dir} is not the catalog the bundle at {out} was made from; remake the whole "
                         f"bundle with `{REMAKE}`")
    caches, image_caches, texts = _index_vector_caches(workspace)
    made_with = (caches[0].identity, caches[1].identity, recorded_identity(open_items_table(workspace).schema,
                                                                           IMAGE_VEC))
    if made_with != (bundle.clip, bundle.text, bundle.clip):
        raise ValueError(f"the workspace's index was made with {', '.join(m.key() for m in made_with)}, not the "
                         f"bundle's models; remake the whole bundle with `{REMAKE}`")
    report = {"written": [], "unchanged": [], "texts": texts, "images": len(image_caches[0].digests)}
    for name, new, load, save in ((TEXT_VECTORS, caches, load_text_vectors, save_text_vectors),
                                  (IMAGE_VECTORS, image_caches, load_image_vectors, save_image_vectors)):
        if _same_caches(out / name, new, load):
            report["unchanged"].append(name)
        else:
            save(out / name, new)
            report["written"].append(name)
    data = json.loads((out / MANIFEST).read_text())
    data.update(texts=report["texts"], images=report["images"])
    (out / MANIFEST).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    return report
