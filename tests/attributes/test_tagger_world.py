"""A tiny synthetic catalog for the tagger tests: attributes separable by construction, in a real LanceDB table.

Item i has a colour c and a category g. Its image vector is the one-hot of c (3 of 8 dims) plus noise,
its text vector the one-hot of g (3 of 6 dims) plus noise, so a tagger that learns must recover both.
"""

from __future__ import annotations

import json

import lancedb
import numpy as np
import pyarrow as pa

from engine.attributes.records import CuratedVocabulary, ItemAttribute
from engine.attributes.tagger import TaggerSettings
from engine.index.columns import IMAGE_VEC, MODEL_KEY, TEXT_VEC, derived_fields
from engine.index.store import ITEMS_SCHEMA, ITEMS_TABLE
from engine.models.identity import ModelIdentity
from engine.workspace import Workspace

COLORS = ["red", "blue", "green"]
CATEGORIES = ["dress", "boots", "hat"]
FAMILIES = {"color": COLORS, "category": CATEGORIES}
IMAGE_DIM, TEXT_DIM = 8, 6
IMAGE_MODEL = ModelIdentity("fake-clip", "fake.safetensors", "ab" * 32, IMAGE_DIM)
TEXT_MODEL = ModelIdentity("fake-text", "", "", TEXT_DIM)
SMALL = TaggerSettings(dim=16, hidden=32, dropout=0.0, epochs=40, batch_size=32, lr=1e-2, warmup_steps=5,
                       held_out_percent=25, smoothing_support=5.0, threads=1)


def vocabulary() -> CuratedVocabulary:
    return CuratedVocabulary(FAMILIES, {(f, v): (f, v) for f, vs in FAMILIES.items() for v in vs})


def workspace_vocabulary(families=None, product_type: str | None = "category"):
    """The world's families as a workspace Vocabulary (what `workbench attributes run` writes)."""
    from engine.vocabulary import AttributeFamily, AttributeValue, Vocabulary

    families = families or FAMILIES
    return Vocabulary(tuple(AttributeFamily(f, tuple(AttributeValue(v) for v in vs), visible=True)
                            for f, vs in families.items()), product_type=product_type)


def world(n: int = 160, seed: int = 3):
    """(rows, truth) with ids i000.., vectors and the true {family: value} of each item."""
    rng = np.random.default_rng(seed)
    rows, truth = [], {}
    for i in range(n):
        c, g = int(rng.integers(3)), int(rng.integers(3))
        image = np.zeros(IMAGE_DIM)
        image[c] = 1.0
        text = np.zeros(TEXT_DIM)
        text[g] = 1.0
        image += rng.normal(0, 0.15, IMAGE_DIM)
        text += rng.normal(0, 0.15, TEXT_DIM)
        item = f"i{i:03d}"
        truth[item] = {"color": COLORS[c], "category": CATEGORIES[g]}
        rows.append({"item_id": item, IMAGE_VEC: (image / np.linalg.norm(image)).astype(np.float32).tolist(),
                     TEXT_VEC: (text / np.linalg.norm(text)).astype(np.float32).tolist(),
                     "attributes": json.dumps(truth[item], sort_keys=True), "title": f"item {i}"})
    return rows, truth


def positives(truth: dict, *, drop_every: int = 5) -> list[ItemAttribute]:
    """Every true pair except every `drop_every`-th one (extraction misses some)."""
    pairs = [(item, f, v) for item, t in sorted(truth.items()) for f, v in sorted(t.items())]
    return [ItemAttribute(i, f, v, 1.0) for k, (i, f, v) in enumerate(pairs) if k % drop_every != drop_every - 1]


def make_workspace(root, rows) -> Workspace:
    """A workspace whose items table has the catalog schema plus the derived columns, vectors recorded."""
    workspace = Workspace(root).create()
    schema = pa.schema([*ITEMS_SCHEMA, *derived_fields(IMAGE_DIM, TEXT_DIM)])
    full = [{name: row.get(name) for name in schema.names} for row in rows]
    table = lancedb.connect(str(workspace.lancedb_dir)).create_table(ITEMS_TABLE, pa.Table.from_pylist(full, schema))
    for column, identity in ((IMAGE_VEC, IMAGE_MODEL), (TEXT_VEC, TEXT_MODEL)):
        table.update_field_metadata({"path": column, "metadata": {
            MODEL_KEY.decode(): json.dumps(identity.to_dict(), sort_keys=True)}})
    return workspace
