"""The demo bundle stands in for training and text and image embedding only on the catalog and models it was made
from, and the committed one matches today's sample generator, its images and the models (else: remake it, as the
failure says)."""

import json
import shutil

import numpy as np
import pyarrow.parquet as pq
import pytest

from engine.index.columns import CLIP_TEXT_VEC, IMAGE_VEC, TEXT_VEC
from engine.index.store import open_items_table, read_columns
from engine.workspace import Workspace
from tests.conftest import SAMPLE_N, SAMPLE_SEED
from workbench.demo_bundle import (BUNDLE_DIR, MODEL_FILES, REMAKE, cached_encoders, export_bundle,
                                   matching_bundle, read_bundle)


class _Counting:
    """Counts the texts (images) that reach the wrapped encoder's text method (`encode_images`)."""

    def __init__(self, encoder, method):
        self._encoder, self.texts, self.images = encoder, 0, 0
        setattr(self, method, self._count(getattr(encoder, method), "texts"))
        if hasattr(encoder, "encode_images"):
            self.encode_images = self._count(encoder.encode_images, "images")

    def _count(self, encode, counter):
        def counted(inputs, **kw):
            setattr(self, counter, getattr(self, counter) + len(inputs))
            return encode(inputs, **kw)
        return counted

    def __getattr__(self, name):
        return getattr(self._encoder, name)


def _vectors(workspace):
    rows = read_columns(open_items_table(workspace), ["item_id", CLIP_TEXT_VEC, TEXT_VEC, IMAGE_VEC]).to_pylist()
    return {r["item_id"]: (r[CLIP_TEXT_VEC], r[TEXT_VEC], r[IMAGE_VEC]) for r in rows}


@pytest.fixture(scope="module")
def bundle_folder(tmp_path_factory, search_context, sample_catalog):
    out = tmp_path_factory.mktemp("bundle")
    export_bundle(search_context.workspace, out, sample_dir=sample_catalog, models=())
    return out


def test_a_bundle_embeds_no_text_or_image_it_holds_and_gives_the_same_vectors(bundle_folder, search_context,
                                                                               ingested_workspace, sample_catalog,
                                                                               tmp_path):
    from engine.index.build import build_index

    clip, text = search_context.clip, search_context.text_encoder
    bundle, why_not = matching_bundle(sample_catalog, SAMPLE_N, SAMPLE_SEED, clip.identity, text.identity,
                                      folder=bundle_folder)
    assert bundle is not None, why_not
    workspace = Workspace(tmp_path / "ws")
    shutil.copytree(ingested_workspace.root, workspace.root)
    counted_clip, counted_text = _Counting(clip, "encode_texts"), _Counting(text, "encode")
    cached_clip, cached_text = cached_encoders(bundle, counted_clip, counted_text)
    report = build_index(workspace, cached_clip, cached_text, search_log=sample_catalog / "search_log")
    assert report.embedded_texts == SAMPLE_N and counted_clip.texts == 0 and counted_text.texts == 0
    assert cached_clip.hits == SAMPLE_N and cached_text.hits == SAMPLE_N
    assert report.embedded_images == SAMPLE_N and counted_clip.images == 0 and cached_clip.image_hits == SAMPLE_N
    made, reused = _vectors(search_context.workspace), _vectors(workspace)
    assert made.keys() == reused.keys()
    for item, vectors in made.items():
        for reused_vec, made_vec in zip(reused[item], vectors):  # clip text, MiniLM, image: to the bit
            np.testing.assert_array_equal(reused_vec, made_vec)


def test_only_the_images_whose_bytes_changed_are_embedded(bundle_folder, search_context, ingested_workspace,
                                                          sample_catalog, tmp_path):
    from engine.index.build import build_index

    clip, text = search_context.clip, search_context.text_encoder
    bundle, _ = matching_bundle(sample_catalog, SAMPLE_N, SAMPLE_SEED, clip.identity, text.identity,
                                folder=bundle_folder)
    workspace = Workspace(tmp_path / "ws")
    shutil.copytree(ingested_workspace.root, workspace.root)
    path = workspace.root / read_columns(open_items_table(workspace), ["image_path"]).column(0)[0].as_py()
    path.write_bytes(path.read_bytes() + b"\0")  # a byte more after the JPEG's end: the same picture
    counted = _Counting(clip, "encode_texts")
    cached_clip, cached_text = cached_encoders(bundle, counted, text)
    build_index(workspace, cached_clip, cached_text)
    assert counted.images == 1 and cached_clip.image_hits == SAMPLE_N - 1


def test_vectors_only_rewrites_the_caches_and_leaves_unchanged_ones_byte_for_byte(bundle_folder, search_context,
                                                                                   sample_catalog, tmp_path):
    from workbench.demo_bundle import IMAGE_VECTORS, MANIFEST, TEXT_VECTORS, export_vectors

    folder = tmp_path / "bundle"
    shutil.copytree(bundle_folder, folder)
    before = {name: (folder / name).read_bytes() for name in (TEXT_VECTORS, IMAGE_VECTORS)}
    (folder / IMAGE_VECTORS).unlink()
    report = export_vectors(search_context.workspace, folder, sample_dir=sample_catalog)
    assert report["written"] == [IMAGE_VECTORS] and report["unchanged"] == [TEXT_VECTORS]
    assert (folder / TEXT_VECTORS).read_bytes() == before[TEXT_VECTORS]
    assert read_bundle(folder).image_vectors()[0].digests.tolist() == read_bundle(
        bundle_folder).image_vectors()[0].digests.tolist()
    assert json.loads((folder / MANIFEST).read_text())["images"] == SAMPLE_N


def test_the_bundle_is_refused_for_another_sample_size_model_or_catalog_content(bundle_folder, search_context,
                                                                                  sample_catalog, tmp_path):
    from engine.models.identity import ModelIdentity

    clip, text = search_context.clip.identity, search_context.text_encoder.identity
    bundle, why = matching_bundle(sample_catalog, 3000, 7, clip, text, folder=bundle_folder)
    assert bundle is None and f"for the {SAMPLE_N}-item sample of seed {SAMPLE_SEED}, not n=3000, seed=7" in why
    other = ModelIdentity("my-clip", "mine.pt", "cd" * 32, clip.dim)
    bundle, why = matching_bundle(sample_catalog, SAMPLE_N, SAMPLE_SEED, other, text, folder=bundle_folder)
    assert bundle is None and "image-text model" in why and "my-clip" in why and REMAKE in why
    changed = tmp_path / "sample"
    shutil.copytree(sample_catalog, changed)
    items = pq.read_table(changed / "items.parquet").to_pylist()
    items[0]["title"] = items[0]["title"] + " (edited)"
    pq.write_table(pq.read_table(changed / "items.parquet").from_pylist(items, schema=pq.read_schema(
        changed / "items.parquet")), changed / "items.parquet")
    bundle, why = matching_bundle(changed, SAMPLE_N, SAMPLE_SEED, clip, text, folder=bundle_folder)
    assert bundle is None and "content differs" in why
    assert matching_bundle(sample_catalog, SAMPLE_N, SAMPLE_SEED, clip, text, folder=tmp_path / "none")[1] \
        .startswith("no demo bundle")


@pytest.mark.slow
def test_the_committed_bundle_matches_todays_sample_generator_and_models(tmp_path):
    """Generates the 3,000-item demo sample (about 25 s): a change to the generator, the sample model or MiniLM
    that the bundle does not follow fails here, naming the remake command."""
    from engine.models.clip_encoder import ClipSpec, load_clip
    from engine.models.searchsage.checkpoint import catalog_hash
    from engine.models.text_encoder import load_text_encoder
    from sample_data.fingerprint import sample_fingerprint
    from sample_data.generate import generate_sample

    bundle = read_bundle()
    assert bundle is not None, f"no demo bundle in {BUNDLE_DIR}; make it with `{REMAKE}`"
    generate_sample(tmp_path, n=bundle.n, seed=bundle.seed, workers=2, progress=False)
    assert sample_fingerprint(tmp_path) == bundle.fingerprint, f"the sample generator changed; run `{REMAKE}`"
    assert load_clip(ClipSpec()).identity == bundle.clip, f"the sample model changed; run `{REMAKE}`"
    assert load_text_encoder().identity == bundle.text, f"MiniLM changed; run `{REMAKE}`"
    ids = pq.read_table(tmp_path / "items.parquet", columns=["item_id"]).column("item_id").to_pylist()
    assert set(bundle.models) == set(MODEL_FILES)
    metas = {m: json.loads((bundle.folder / "models" / MODEL_FILES[m][-1]).read_text()) for m in bundle.models}
    assert metas["searchsage"]["catalog_hash"] == metas["engagement"]["catalog_hash"] == catalog_hash(ids)
    assert metas["relevance"]["data_hash"] == catalog_hash(ids)
    caches = bundle.text_vectors()
    assert [c.identity for c in caches] == [bundle.clip, bundle.text] and all(len(c.digests) == bundle.n
                                                                             for c in caches)
    from engine.index.image_vector_cache import file_sha256

    images = bundle.image_vectors()
    assert [c.identity for c in images] == [bundle.clip], f"the bundle has no image vectors of {bundle.clip.key()}; " \
                                                          f"run `{REMAKE}`"
    cached = images[0].lookup()
    paths = pq.read_table(tmp_path / "items.parquet", columns=["image_path"]).column("image_path").to_pylist()
    changed = [p for p in paths if file_sha256(tmp_path / p) not in cached]
    assert not changed, (f"{len(changed)} of the sample's {len(paths)} images (e.g. {changed[0]}) have bytes the "
                         f"bundle has no vector for: the image generator or the JPEG encoder changed; run `{REMAKE}`")
