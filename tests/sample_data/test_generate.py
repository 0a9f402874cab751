"""The generated catalog: determinism, the ground-truth contract, and that every recorded attribute was rendered."""

import hashlib
import json

import numpy as np
import pyarrow.parquet as pq
import pytest
from PIL import Image

from sample_data.generate import generate_sample
from sample_data.render import render_product
from sample_data.spec import sample_products
from sample_data.vocabulary import load_vocabulary
from tests.conftest import SAMPLE_N, SAMPLE_SEED

FAMILIES = load_vocabulary().family_names
CONTRACT_COLUMNS = ["item_id", "image_path", "title", "description", "tags", "price", *FAMILIES]


def _digest(folder):
    """A hash of everything the generator writes except the manifest's timings."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json"):
        h.update(str(path.relative_to(folder)).encode())
        h.update(path.read_bytes() if path.suffix != ".parquet" else pq.read_table(path).to_string().encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def items(sample_catalog):
    return pq.read_table(sample_catalog / "items.parquet").to_pylist()


def test_same_seed_gives_identical_files(sample_catalog, tmp_path):
    again = generate_sample(tmp_path / "again", n=SAMPLE_N, seed=SAMPLE_SEED, workers=1, progress=False)
    assert again["counts"]["items"] == SAMPLE_N
    assert _digest(tmp_path / "again") == _digest(sample_catalog)


def test_other_seed_gives_other_catalog(sample_catalog, tmp_path):
    generate_sample(tmp_path / "other", n=SAMPLE_N, seed=SAMPLE_SEED + 1, workers=1, progress=False)
    assert _digest(tmp_path / "other") != _digest(sample_catalog)


def test_items_parquet_has_the_contract_columns(sample_catalog, items):
    schema = pq.read_schema(sample_catalog / "items.parquet")
    assert set(CONTRACT_COLUMNS) <= set(schema.names)
    assert len(items) == SAMPLE_N
    assert len({r["item_id"] for r in items}) == SAMPLE_N


def test_every_rendered_attribute_is_recorded(sample_catalog, items):
    """Each product row holds exactly the attributes its image was rendered from."""
    vocab = load_vocabulary()
    products = [r for r in items if r["kind"] == "product"]
    specs = {s.item_id: s for s in sample_products(len(products), SAMPLE_SEED)}
    assert set(specs) == {r["item_id"] for r in products}
    for row in products:
        spec = specs[row["item_id"]]
        assert {f: row[f] for f in FAMILIES} == spec.attributes()
        for f in FAMILIES:
            assert row[f] in vocab.family(f).names
        on_disk = np.asarray(Image.open(sample_catalog / row["image_path"]).convert("RGB"), dtype=float)
        rendered = np.asarray(render_product(spec).image, dtype=float)
        assert on_disk.shape == rendered.shape and min(on_disk.shape[:2]) >= 224
        assert np.abs(on_disk - rendered).mean() < 4, "image on disk is not the render of the recorded spec"


def test_scenes_record_their_objects(sample_catalog, items):
    ids = {r["item_id"]: r for r in items}
    scenes = [r for r in items if r["kind"] == "scene"]
    assert len(scenes) == round(SAMPLE_N * 0.1)
    for scene in scenes:
        assert all(scene[f] is None for f in FAMILIES)
        assert 2 <= len(scene["objects"]) <= 4
        width, height = Image.open(sample_catalog / scene["image_path"]).size
        for obj in scene["objects"]:
            assert ids[obj["item_id"]]["kind"] == "product"
            assert 0 <= obj["x0"] < obj["x1"] <= width and 0 <= obj["y0"] < obj["y1"] <= height


def test_side_files_cover_every_item(sample_catalog, items):
    lines = [json.loads(line) for line in (sample_catalog / "vlm_attributes.jsonl").read_text().splitlines()]
    assert [line["item_id"] for line in lines] == [r["item_id"] for r in items]
    assert all(isinstance(a, dict) and {"key", "value"} <= set(a) for line in lines for a in line["attributes"])
    searches = pq.read_table(sample_catalog / "search_log" / "searches.parquet")
    impressions = pq.read_table(sample_catalog / "search_log" / "impressions.parquet")
    assert searches.num_rows > 0 and impressions.num_rows > 0
    assert set(impressions.column("item_id").to_pylist()) <= {r["item_id"] for r in items}
    manifest = json.loads((sample_catalog / "manifest.json").read_text())
    assert manifest["counts"]["searches"] == searches.num_rows


def test_refuses_to_overwrite_without_force(sample_catalog, tmp_path):
    (tmp_path / "keep.txt").write_text("user file")
    with pytest.raises(ValueError, match="--force"):
        generate_sample(tmp_path, n=5, seed=1, workers=1, progress=False)
    generate_sample(tmp_path, n=5, seed=1, workers=1, progress=False, overwrite=True)
    assert (tmp_path / "keep.txt").read_text() == "user file"


@pytest.mark.parametrize("n, seed", [(0, 1), (5, -1)])
def test_rejects_bad_arguments(tmp_path, n, seed):
    with pytest.raises(ValueError):
        generate_sample(tmp_path / "x", n=n, seed=seed, workers=1, progress=False)
