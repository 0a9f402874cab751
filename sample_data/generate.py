"""Write the synthetic sample catalog: images, ground truth, VLM-style attributes and a search log."""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import shutil
import time
import warnings
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from engine.vocabulary import dump_vocabulary
from sample_data.listing import write_listing, write_scene_listing
from sample_data.render import render_product, render_scene
from sample_data.search_log import simulate_search_log
from sample_data.spec import ProductSpec, SceneSpec, sample_products, sample_scenes, split_counts
from sample_data.vlm_output import raw_vlm_attributes, raw_vlm_scene_attributes
from sample_data.vocabulary import load_vocabulary
from sample_data.workspace_vocabulary import fashion_vocabulary

GENERATOR_VERSION = 1
MANIFEST_NAME = "manifest.json"
ITEMS_NAME = "items.parquet"
VLM_NAME = "vlm_attributes.jsonl"
IMAGES_DIR = "images"
SEARCH_LOG_DIR = "search_log"
VOCABULARY_NAME = "vocabulary.toml"  # the workspace vocabulary of this catalog (`workbench vocabulary import`)
OUTPUTS = (MANIFEST_NAME, ITEMS_NAME, VLM_NAME, IMAGES_DIR, SEARCH_LOG_DIR, VOCABULARY_NAME)
JPEG_QUALITY = 90
CHUNK = 64

BOX_TYPE = pa.struct([("item_id", pa.string()), ("x0", pa.int32()), ("y0", pa.int32()),
                      ("x1", pa.int32()), ("y1", pa.int32())])


def items_schema(families: Sequence[str]) -> pa.Schema:
    """The ground-truth table: one row per item (the ARCHITECTURE.md contract)."""
    return pa.schema(
        [
            ("item_id", pa.string()),
            ("image_path", pa.string()),
            ("kind", pa.string()),
            ("title", pa.string()),
            ("description", pa.string()),
            ("tags", pa.list_(pa.string())),
            ("price", pa.float64()),
            ("brand", pa.string()),
            ("board_titles", pa.list_(pa.string())),
            *[(f, pa.string()) for f in families],
            ("accent_color", pa.string()),
            ("objects", pa.list_(BOX_TYPE)),
        ]
    )


def _image_path(item_id: str) -> str:
    return f"{IMAGES_DIR}/{item_id}.jpg"


def _render_products(out: str, specs: list[ProductSpec]) -> int:
    for spec in specs:
        render_product(spec).image.save(Path(out, _image_path(spec.item_id)), quality=JPEG_QUALITY)
    return len(specs)


def _render_scenes(out: str, jobs: list[tuple[SceneSpec, dict[str, ProductSpec]]]) -> list[tuple]:
    boxes = []
    for scene, members in jobs:
        rendered = render_scene(scene, members)
        rendered.image.save(Path(out, _image_path(scene.item_id)), quality=JPEG_QUALITY)
        boxes.append((scene.item_id, rendered.boxes))
    return boxes


@contextlib.contextmanager
def _forked_workers(workers: int):
    """A fork-based pool. Not spawn: spawn re-runs the parent's __main__ in each worker, and inside
    Streamlit (or its AppTest) __main__ is the app page. Workers only render and write JPEGs, so
    LanceDB's fork warning (about using LanceDB in the child) does not apply to them."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="lancedb fork support is experimental")
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            yield pool


def check_size(n: int, seed: int) -> None:
    """The generators' shared checks of --n and --seed."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")


def prepare_out(out: Path, overwrite: bool, outputs: Sequence[str] = OUTPUTS) -> None:
    """Make `out` ready for a generated catalog: refuse a non-empty folder unless `overwrite`, and then remove only
    the generator's own `outputs`, never the user's other files."""
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} is a file; give a folder path")
    if out.exists() and any(out.iterdir()):
        if not overwrite:
            raise ValueError(f"--out {out} is not empty; pass --force to overwrite it, or choose another folder")
        for name in outputs:
            target = out / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    (out / IMAGES_DIR).mkdir(parents=True, exist_ok=True)


def generate_sample(
    out: str | os.PathLike,
    n: int = 3000,
    seed: int = 7,
    workers: int | None = None,
    searches_per_item: int = 10,
    overwrite: bool = False,
    progress: bool = True,
) -> dict:
    """Generate `n` items (about 10% scenes) under `out`; returns the manifest (also written as JSON)."""
    check_size(n, seed)
    out = Path(out)
    prepare_out(out, overwrite)
    t0 = time.perf_counter()
    seconds: dict[str, float] = {}
    vocab = load_vocabulary()

    n_products, n_scenes = split_counts(n)
    products = sample_products(n_products, seed, vocab)
    scenes = sample_scenes(products, n_scenes, seed)
    by_id = {p.item_id: p for p in products}
    seconds["specs"] = time.perf_counter() - t0

    t = time.perf_counter()
    workers = workers or os.cpu_count() or 1
    product_chunks = [products[i : i + CHUNK] for i in range(0, len(products), CHUNK)]
    scene_jobs = [(s, {m: by_id[m] for m in s.members}) for s in scenes]
    scene_chunks = [scene_jobs[i : i + CHUNK // 4] for i in range(0, len(scene_jobs), CHUNK // 4)]
    boxes: dict[str, tuple] = {}
    with tqdm(total=len(products) + len(scenes), desc="render", unit="img", disable=not progress) as bar:
        if workers == 1:
            for chunk in product_chunks:
                bar.update(_render_products(str(out), chunk))
            for chunk in scene_chunks:
                done = _render_scenes(str(out), chunk)
                boxes.update(done)
                bar.update(len(done))
        else:
            with _forked_workers(workers) as pool:
                product_futures = [pool.submit(_render_products, str(out), c) for c in product_chunks]
                scene_futures = [pool.submit(_render_scenes, str(out), c) for c in scene_chunks]
                for f in product_futures:
                    bar.update(f.result())
                for f in scene_futures:
                    done = f.result()
                    boxes.update(done)
                    bar.update(len(done))
    seconds["render"] = time.perf_counter() - t

    t = time.perf_counter()
    families = vocab.family_names
    rows = []
    vlm_lines = []
    for spec in products:
        listing = write_listing(spec)
        rows.append(_row(spec.item_id, "product", listing, spec.attributes(), spec.accent_color, None))
        vlm_lines.append({"item_id": spec.item_id, "attributes": raw_vlm_attributes(spec, listing)})
    for scene in scenes:
        members = [by_id[m] for m in scene.members]
        listing = write_scene_listing(scene, members)
        objects = [
            {"item_id": item_id, "x0": b[0], "y0": b[1], "x1": b[2], "y1": b[3]} for item_id, b in boxes[scene.item_id]
        ]
        rows.append(_row(scene.item_id, "scene", listing, dict.fromkeys(families), None, objects))
        vlm_lines.append({"item_id": scene.item_id, "attributes": raw_vlm_scene_attributes(scene, members)})
    seconds["text"] = time.perf_counter() - t

    t = time.perf_counter()
    log = simulate_search_log(products, seed, n_searches=searches_per_item * len(products))
    log.write(out)
    seconds["search_log"] = time.perf_counter() - t

    with (out / VLM_NAME).open("w", encoding="utf-8") as fh:
        for line in vlm_lines:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    table = pa.Table.from_pylist(rows, schema=items_schema(families))
    pq.write_table(table, out / ITEMS_NAME)
    (out / VOCABULARY_NAME).write_text(dump_vocabulary(fashion_vocabulary()), encoding="utf-8")
    seconds["total"] = time.perf_counter() - t0

    manifest = {
        "generator_version": GENERATOR_VERSION,
        "n": n,
        "seed": seed,
        "counts": {
            "items": len(rows),
            "products": len(products),
            "scenes": len(scenes),
            "searches": log.searches.num_rows,
            "impressions": log.impressions.num_rows,
        },
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "items_per_second": round(len(rows) / seconds["total"], 1),
        "workers": workers,
        "files": {"items": ITEMS_NAME, "images": IMAGES_DIR, "vlm_attributes": VLM_NAME, "search_log": SEARCH_LOG_DIR,
                  "vocabulary": VOCABULARY_NAME},
    }
    (out / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n")  # written last: marks completion
    return manifest


def _row(item_id, kind, listing, attributes, accent, objects) -> dict:
    return {
        "item_id": item_id,
        "image_path": _image_path(item_id),
        "kind": kind,
        "title": listing.title,
        "description": listing.description,
        "tags": list(listing.tags),
        "price": listing.price,
        "brand": listing.brand,
        "board_titles": list(listing.board_titles),
        **attributes,
        "accent_color": accent,
        "objects": objects,
    }
