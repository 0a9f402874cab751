"""A 12-item catalog with rendered images, indexed with the real sample open_clip and MiniLM, and a tiny tagger.

Item i is a coloured shape (colour = i % 3, category = (i // 3) % 3 as the shape); its text names both.
Item 11's image file is damaged (not an image): like the index, every path must embed it as zeros.
"""

from __future__ import annotations

import json

import lancedb
import pyarrow as pa
from PIL import Image, ImageDraw

from engine.attributes.records import ItemAttribute
from engine.index.columns import IMAGE_VEC, LOAD_SPEC_KEY, MODEL_KEY, TEXT_VEC, derived_fields
from engine.index.store import ITEMS_SCHEMA, ITEMS_TABLE
from engine.workspace import Workspace
from tests.attributes.test_tagger_world import CATEGORIES, COLORS, SMALL, vocabulary

N = 12
RGB = {"red": (200, 30, 30), "blue": (30, 40, 200), "green": (30, 170, 40)}
DAMAGED = "i011"


def render(path, color: str, category: str) -> None:
    im = Image.new("RGB", (80, 64), (235, 235, 230))
    draw = ImageDraw.Draw(im)
    box = {"dress": [(40, 6), (12, 58), (68, 58)], "boots": [(14, 20), (34, 20), (34, 44), (66, 44), (66, 58),
                                                             (14, 58)], "hat": [(10, 44), (70, 44), (40, 10)]}
    draw.polygon(box[category], fill=RGB[color])
    im.save(path)


def build(root, clip, text) -> tuple[Workspace, dict]:
    """(workspace with vectors recorded as `workbench index` would, truth {item: {family: value}})."""
    workspace = Workspace(root).create()
    images = workspace.root / "catalog"
    images.mkdir(exist_ok=True)
    rows, truth = [], {}
    for i in range(N):
        item, color, category = f"i{i:03d}", COLORS[i % 3], CATEGORIES[(i // 3) % 3]
        truth[item] = {"color": color, "category": category}
        rel = f"catalog/{item}.png"
        if item == DAMAGED:
            (workspace.root / rel).write_bytes(b"not a png")
        else:
            render(workspace.root / rel, color, category)
        rows.append({"item_id": item, "image_path": rel, "title": f"{color} {category} no. {i}",
                     "enriched_text": f"{color} {category} no. {i}. tags: {category}, {color}",
                     "attributes": json.dumps(truth[item], sort_keys=True)})
    readable = [r for r in rows if r["item_id"] != DAMAGED]
    image_vecs = clip.encode_images([workspace.root / r["image_path"] for r in readable])
    for r, vec in zip(readable, image_vecs):
        r[IMAGE_VEC] = vec.tolist()
    for r, vec in zip(rows, text.encode([r["enriched_text"] for r in rows])):
        r[TEXT_VEC] = vec.tolist()
    schema = pa.schema([*ITEMS_SCHEMA, *derived_fields(clip.identity.dim, text.identity.dim)])
    full = [{name: row.get(name) for name in schema.names} for row in rows]
    table = lancedb.connect(str(workspace.lancedb_dir)).create_table(ITEMS_TABLE, pa.Table.from_pylist(full, schema),
                                                                        on_bad_vectors="null")
    for column, model, load in ((IMAGE_VEC, clip.identity, {"name": "workbench-sample", "pretrained": None,
                                                            "config": None}),
                                (TEXT_VEC, text.identity, {"name_or_path": None})):
        table.update_field_metadata({"path": column, "metadata": {
            MODEL_KEY.decode(): json.dumps(model.to_dict(), sort_keys=True),
            LOAD_SPEC_KEY.decode(): json.dumps(load, sort_keys=True)}})
    return workspace, truth


def train(workspace, truth, text):
    """Train and save the tiny tagger on every true pair (held out: 25%, at least one item by construction).

    Category is the world's product type, always tagged with its top value, as a workspace vocabulary's is.
    """
    from dataclasses import replace

    from engine.attributes.tagger_run import train_tagger

    positives = [ItemAttribute(i, f, v, 1.0) for i, t in sorted(truth.items()) for f, v in sorted(t.items())]
    settings = replace(SMALL, always_top_families=("category",))
    return train_tagger(workspace, vocabulary(), positives, settings=settings, text_encoder=text)[0]
