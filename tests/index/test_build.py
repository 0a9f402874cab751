"""`build_index` on a real LanceDB table with fake encoders: incremental, corrupt images, model checks, FTS."""

import json
import shutil

import numpy as np
import pytest

from engine.index.build import build_index
from engine.index.columns import IMAGE_VEC, TEXT_VEC, recorded_identity
from engine.index.store import open_items_table
from engine.models.errors import ModelMismatchError
from engine.workspace import Workspace
from tests.fakes import FakeClip, FakeText


@pytest.fixture
def workspace(ingested_workspace, tmp_path):
    """A private copy of the ingested sample workspace (indexing writes to it)."""
    root = tmp_path / "ws"
    shutil.copytree(ingested_workspace.root, root)
    return Workspace(root)


def rows(workspace, *columns):
    return {r["item_id"]: r for r in open_items_table(workspace).to_arrow().select(["item_id", *columns]).to_pylist()}


def test_first_run_embeds_everything_and_records_the_models(workspace, sample_catalog):
    clip, text = FakeClip(), FakeText()
    report = build_index(workspace, clip, text, search_log=sample_catalog / "search_log")
    n = report.items
    assert n > 0 and report.embedded_images == n and report.embedded_texts == n and not report.image_problems
    table = open_items_table(workspace)
    assert table.count_rows(f"{IMAGE_VEC} IS NULL") == 0
    assert recorded_identity(table.schema, IMAGE_VEC) == clip.identity
    assert recorded_identity(table.schema, TEXT_VEC) == text.identity
    data = rows(workspace, IMAGE_VEC, "enriched_text", "impressions", "attributes")
    item = next(r for r in data.values() if r["impressions"])
    assert np.linalg.norm(item[IMAGE_VEC]) == pytest.approx(1.0, abs=1e-5)
    assert json.loads(item["attributes"]).keys() >= {"category", "color"}  # ground truth from the sample
    assert report.plans[IMAGE_VEC].startswith("exact")


def test_a_second_run_embeds_nothing(workspace, sample_catalog):
    build_index(workspace, FakeClip(), FakeText(), search_log=sample_catalog / "search_log")
    clip, text = FakeClip(), FakeText()
    report = build_index(workspace, clip, text, search_log=sample_catalog / "search_log")
    assert (report.embedded_images, report.embedded_texts, clip.images_seen, text.texts_seen) == (0, 0, 0, 0)
    assert report.unchanged == report.items


def test_changed_and_new_items_are_the_only_ones_embedded(workspace, sample_catalog, tmp_path):
    from engine.catalog import ingest_catalog
    import pyarrow.parquet as pq

    build_index(workspace, FakeClip(), FakeText())
    table = pq.read_table(sample_catalog / "items.parquet").to_pylist()
    changed = dict(table[0], title="A brand new title")
    new = dict(table[1], item_id="new-item")
    pq.write_table(pq.read_table(sample_catalog / "items.parquet").from_pylist([changed, new]), tmp_path / "more.parquet")
    ingest_catalog(workspace, sample_catalog, tmp_path / "more.parquet", progress=False)
    clip, text = FakeClip(), FakeText()
    report = build_index(workspace, clip, text)
    assert report.embedded_texts == 2 and text.texts_seen == 2
    assert report.embedded_images == 2 and clip.images_seen == 2  # ingest nulls a changed row's vectors
    assert report.unchanged == report.items - 2
    data = rows(workspace, IMAGE_VEC, "enriched_text")
    assert data["new-item"][IMAGE_VEC] is not None
    assert data[changed["item_id"]]["enriched_text"].startswith("A brand new title")


def test_a_corrupt_image_is_skipped_and_reported(workspace):
    data = rows(workspace, "image_path")
    victim = sorted(data)[0]
    (workspace.root / data[victim]["image_path"]).write_bytes(b"not a jpeg")
    report = build_index(workspace, FakeClip(), FakeText())
    assert [item for item, _ in report.image_problems] == [victim]
    assert "cannot read" in report.image_problems[0][1] and victim in report.summary()
    after = rows(workspace, IMAGE_VEC, TEXT_VEC, "image_problem")
    assert after[victim][IMAGE_VEC] is None and after[victim][TEXT_VEC] is not None
    assert sum(r[IMAGE_VEC] is not None for r in after.values()) == len(after) - 1


def test_another_model_is_refused_naming_both(workspace):
    build_index(workspace, FakeClip(name="model-a"), FakeText())
    with pytest.raises(ModelMismatchError, match=r"made by model-a@sha256:abab.* opened with model-b@"):
        build_index(workspace, FakeClip(name="model-b"), FakeText())


def test_another_dimension_is_refused_naming_both(workspace):
    build_index(workspace, FakeClip(dim=8), FakeText())
    with pytest.raises(ModelMismatchError, match="holds 8-d vectors but model .* makes 12-d"):
        build_index(workspace, FakeClip(dim=12, name="fake-clip"), FakeText())


def test_rebuild_switches_models(workspace):
    build_index(workspace, FakeClip(dim=8), FakeText())
    clip = FakeClip(dim=12, name="bigger")
    report = build_index(workspace, clip, FakeText(), rebuild=True)
    assert report.embedded_images == report.items
    table = open_items_table(workspace)
    assert recorded_identity(table.schema, IMAGE_VEC) == clip.identity
    assert table.schema.field(IMAGE_VEC).type.list_size == 12


def test_bm25_finds_an_item_by_a_word_of_its_title(workspace):
    build_index(workspace, FakeClip(), FakeText())
    table = open_items_table(workspace)
    data = rows(workspace, "title")
    item, title = next((i, r["title"]) for i, r in sorted(data.items()) if r["title"])
    word = max(title.split(), key=len)
    hits = table.search(word, query_type="fts", fts_columns="enriched_text").limit(50).to_arrow()
    assert item in hits.column("item_id").to_pylist()


def test_above_the_exact_limit_an_ann_index_is_built(workspace):
    report = build_index(workspace, FakeClip(), FakeText(), exact_limit=10)
    assert report.plans[IMAGE_VEC].startswith("IVF_HNSW_SQ")
    indexed = {c for idx in open_items_table(workspace).list_indices() for c in idx.columns}
    assert IMAGE_VEC in indexed


def test_a_new_and_a_changed_item_ingested_into_an_indexed_catalog_are_embedded_again(workspace, sample_catalog,
                                                                                      tmp_path):
    """Real-size vectors (LanceDB refuses null-filled fixed-size lists of 10+ dimensions in a merge)."""
    import pandas as pd

    from engine.catalog import ingest_catalog

    clip, text = FakeClip(dim=512), FakeText(dim=384)
    build_index(workspace, clip, text)
    items = pd.read_parquet(sample_catalog / "items.parquet")
    new = items.iloc[[0, 1]].copy()
    new.loc[new.index[0], "item_id"] = "brand-new-item"
    new.loc[new.index[1], "title"] = "a changed title for this item"
    changed_id = new.iloc[1]["item_id"]
    new.to_parquet(tmp_path / "more.parquet")
    report = ingest_catalog(workspace, sample_catalog, tmp_path / "more.parquet", progress=False)
    assert (report.inserted, report.updated) == (1, 1)
    stale = rows(workspace, IMAGE_VEC)
    assert stale["brand-new-item"][IMAGE_VEC] is None and stale[changed_id][IMAGE_VEC] is None
    report = build_index(workspace, clip, text)
    assert report.embedded_images == 2 and report.embedded_texts == 2
    after = rows(workspace, IMAGE_VEC, TEXT_VEC, "enriched_text")
    assert len(after["brand-new-item"][IMAGE_VEC]) == 512 and len(after["brand-new-item"][TEXT_VEC]) == 384
    assert "a changed title" in after[changed_id]["enriched_text"]
    # and search finds them: the new item by its image vector, the changed one by a word of its new title
    from engine.pipeline.context import SearchContext

    context = SearchContext.open(workspace, clip, text)
    new_vector = context.item_vector("brand-new-item")
    # (its image is row 0's, so the two tie at the top)
    assert "brand-new-item" in [hit.item_id for hit in context.searcher(IMAGE_VEC).search(new_vector, 2)]
    hits = open_items_table(workspace).search("changed", query_type="fts", fts_columns="enriched_text").limit(5)
    assert changed_id in hits.to_arrow().column("item_id").to_pylist()


def test_a_new_vocabulary_re_reads_the_catalog_attribute_column_without_models(workspace):
    from engine.index.build import index_vocabulary_hash, refresh_attribute_column
    from engine.vocabulary import AttributeFamily, AttributeValue, Vocabulary

    build_index(workspace, FakeClip(), FakeText())
    before = rows(workspace, "attributes")
    colors = Vocabulary((AttributeFamily("color", tuple(AttributeValue(v) for v in (
        "black", "white", "gray", "red", "orange", "yellow", "green", "blue", "navy", "purple", "pink", "brown",
        "beige"))),))
    changed = refresh_attribute_column(workspace, colors)
    after = rows(workspace, "attributes")
    assert changed == sum(1 for r in before.values() if r["attributes"])  # every row with values lost the others
    for item, row in after.items():
        if row["attributes"]:
            assert set(json.loads(row["attributes"])) == {"color"}
            assert json.loads(row["attributes"])["color"] == json.loads(before[item]["attributes"])["color"]
    assert index_vocabulary_hash(open_items_table(workspace)) == colors.hash
    assert refresh_attribute_column(workspace, colors) == 0
