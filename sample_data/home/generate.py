"""Write the home-goods sample catalog: images, ground truth (Parquet and CSV) and VLM-style attributes.

No search log: a user's catalog usually comes without one, and this sample stands in for one.
"""

from __future__ import annotations

import csv
import json
import os
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from sample_data.generate import check_size, prepare_out
from sample_data.home.listing import write_home_listing
from sample_data.home.render import render_home_item
from sample_data.home.spec import sample_home_specs
from sample_data.home.vlm_output import home_vlm_attributes
from sample_data.home.vocabulary import load_home_vocabulary

HOME_GENERATOR_VERSION = 1
MANIFEST_NAME = "manifest.json"
ITEMS_NAME = "items.parquet"
CSV_NAME = "items.csv"
VLM_NAME = "vlm_attributes.jsonl"
IMAGES_DIR = "images"
OUTPUTS = (MANIFEST_NAME, ITEMS_NAME, CSV_NAME, VLM_NAME, IMAGES_DIR)
JPEG_QUALITY = 90
ONE_OFF_STREAM = 61
TAG_SEPARATOR = "|"  # how the CSV writes a list, as `workbench ingest` reads it

HOME_FAMILIES = ("color", "material", "room", "style", "category")  # column order of the CSV and Parquet
HOME_COLUMNS = ("item_id", "image_path", "title", "description", "tags", "price", *HOME_FAMILIES)


def home_items_schema() -> pa.Schema:
    """The ground-truth table: the ARCHITECTURE.md contract with the home families."""
    return pa.schema([
        ("item_id", pa.string()), ("image_path", pa.string()), ("title", pa.string()),
        ("description", pa.string()), ("tags", pa.list_(pa.string())), ("price", pa.float64()),
        *[(family, pa.string()) for family in HOME_FAMILIES],
    ])


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return TAG_SEPARATOR.join(value)
    return str(value)


def generate_home_sample(
    out: str | os.PathLike, n: int = 600, seed: int = 7, overwrite: bool = False, progress: bool = True,
) -> dict:
    """Generate `n` home-goods items under `out`; returns the manifest (also written as JSON, last)."""
    check_size(n, seed)
    out = Path(out)
    prepare_out(out, overwrite, OUTPUTS)
    t0 = time.perf_counter()
    vocab = load_home_vocabulary()
    specs = sample_home_specs(n, seed, vocab)
    one_off = int(np.random.default_rng([seed, ONE_OFF_STREAM]).integers(n))

    rows, vlm_lines = [], []
    for index, spec in enumerate(tqdm(specs, desc="render", unit="img", disable=not progress)):
        image_path = f"{IMAGES_DIR}/{spec.item_id}.jpg"
        render_home_item(spec, vocab=vocab).image.save(out / image_path, quality=JPEG_QUALITY)
        listing = write_home_listing(spec, vocab)
        rows.append({
            "item_id": spec.item_id, "image_path": image_path, "title": listing.title,
            "description": listing.description, "tags": list(listing.tags), "price": listing.price,
            **{family: getattr(spec, family) for family in HOME_FAMILIES},
        })
        attributes = home_vlm_attributes(spec, listing, one_off=index == one_off, vocab=vocab)
        vlm_lines.append({"item_id": spec.item_id, "attributes": attributes})

    pq.write_table(pa.Table.from_pylist(rows, schema=home_items_schema()), out / ITEMS_NAME)
    with (out / CSV_NAME).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HOME_COLUMNS)
        writer.writerows([_csv_cell(row[c]) for c in HOME_COLUMNS] for row in rows)
    with (out / VLM_NAME).open("w", encoding="utf-8") as fh:
        for line in vlm_lines:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    seconds = time.perf_counter() - t0

    manifest = {
        "domain": "home",
        "generator_version": HOME_GENERATOR_VERSION,
        "n": n,
        "seed": seed,
        "families": list(HOME_FAMILIES),
        "counts": {"items": len(rows), "products": len(rows), "scenes": 0},
        "seconds": {"total": round(seconds, 3)},
        "items_per_second": round(len(rows) / seconds, 1),
        "files": {"items": ITEMS_NAME, "csv": CSV_NAME, "images": IMAGES_DIR, "vlm_attributes": VLM_NAME},
    }
    (out / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n")  # written last: marks completion
    return manifest
