"""`workbench index --runner ray`: the Ray Data stages embed exactly what the local runner embeds."""

import shutil
from dataclasses import asdict

import numpy as np
import pytest

from engine.attributes.batch.ray_runner import RayMissingError
from engine.index.build import build_index, embed_in_process
from engine.index.columns import CLIP_TEXT_VEC, IMAGE_VEC, TEXT_VEC
from engine.index.ray_embed import EmbedSpec, RayEmbedder, decode, embed_batch, index_rows
from engine.index.store import open_items_table
from engine.models.clip_encoder import ClipSpec
from engine.workspace import Workspace
from workbench.cli import main
from tests.fakes import hide_ray

N_ITEMS = 24  # the first items of the session's sample catalog: a Ray run of a few dozen rows
COLUMNS = ("item_id", "enriched_text", "image_problem", IMAGE_VEC, CLIP_TEXT_VEC, TEXT_VEC)
LOAD_SPECS = {"clip": asdict(ClipSpec()), "text": {"name_or_path": None}}


@pytest.fixture(scope="module")
def models():
    from engine.models.clip_encoder import load_clip
    from engine.models.text_encoder import load_text_encoder

    return load_clip(), load_text_encoder()


def small_copy(source: Workspace, root) -> tuple[Workspace, list[dict]]:
    """A copy of the ingested workspace cut to N_ITEMS items, its first image damaged; (workspace, its rows)."""
    shutil.copytree(source.root, root)
    workspace = Workspace(root)
    table = open_items_table(workspace)
    rows = sorted(table.to_arrow().select(["item_id", "image_path"]).to_pylist(), key=lambda r: r["item_id"])
    keep = rows[:N_ITEMS]
    table.delete("item_id NOT IN ({})".format(", ".join(f"'{r['item_id']}'" for r in keep)))
    (workspace.root / keep[0]["image_path"]).write_bytes(b"not an image")
    return workspace, keep


def stored(workspace: Workspace) -> dict:
    return {r["item_id"]: r for r in open_items_table(workspace).to_arrow().select(list(COLUMNS)).to_pylist()}


def assert_same_index(ray_rows: dict, local_rows: dict, roots: tuple[Workspace, Workspace]) -> None:
    assert ray_rows.keys() == local_rows.keys()
    for item, local in local_rows.items():
        got = ray_rows[item]
        problem = got["image_problem"] and got["image_problem"].replace(str(roots[0].root), str(roots[1].root))
        assert (got["enriched_text"], problem) == (local["enriched_text"], local["image_problem"])
        for column in (IMAGE_VEC, CLIP_TEXT_VEC, TEXT_VEC):
            if local[column] is None:
                assert got[column] is None, (item, column)
            else:
                np.testing.assert_allclose(got[column], local[column], atol=1e-5, err_msg=f"{item} {column}")


def test_index_rows_join_texts_and_images_by_item():
    rows = index_rows({"b": "blue hat", "a": "red dress"}, [{"item_id": "c", "image_path": "c.png"},
                                                            {"item_id": "a", "image_path": "a.png"}])
    assert rows == [{"item_id": "a", "image_path": "a.png", "embed_image": True, "text": "red dress",
                     "embed_text": True},
                    {"item_id": "b", "image_path": None, "embed_image": False, "text": "blue hat", "embed_text": True},
                    {"item_id": "c", "image_path": "c.png", "embed_image": True, "text": "", "embed_text": False}]


def test_the_two_stages_equal_the_local_runner_without_ray(ingested_workspace, models, tmp_path):
    """decode + embed_batch on one batch give embed_in_process's vectors and problems (no Ray involved)."""
    clip, text = models
    workspace, rows = small_copy(ingested_workspace, tmp_path / "ws")
    rows = rows[:6]
    texts = {r["item_id"]: f"text of {r['item_id']}" for r in rows[::2]}
    images = [rows[0], *rows[2:], {"item_id": "no-path", "image_path": None}]
    local = embed_in_process(clip, text, workspace.root, texts, images, progress=False, seconds={})
    inputs = index_rows(texts, images)
    batch = {c: [r[c] for r in inputs] for c in inputs[0]}
    out = embed_batch(decode(batch, transform=clip.preprocess, image_root=str(workspace.root)), clip, text)
    ids = list(out["item_id"])
    assert sorted(local.problems) == [(i, p) for i, p in zip(ids, out["problem"]) if p]
    assert {i for i, has in zip(ids, out["has_image"]) if has} == set(local.images) == {r["item_id"] for r in rows[2:]}
    for item, vec in local.images.items():
        np.testing.assert_allclose(out["image_vec"][ids.index(item)], vec, atol=1e-5)
    for item in texts:
        np.testing.assert_allclose(out["clip_text_vec"][ids.index(item)], local.clip_text[item], atol=1e-5)
        np.testing.assert_allclose(out["text_vec"][ids.index(item)], local.text[item], atol=1e-5)
    assert not out["text_vec"][ids.index("no-path")].any()  # a row without a wanted text stays zeros


def test_an_actor_refuses_a_model_other_than_the_drivers(models):
    from engine.index.ray_embed import load_encoders

    clip, text = models
    spec = EmbedSpec.of(LOAD_SPECS, clip.identity, text.identity)
    with pytest.raises(ValueError, match="same model files"):
        load_encoders(EmbedSpec(spec.clip, spec.text, "other@sha256:0/512d", spec.text_key))
    with pytest.raises(ValueError, match="load specs"):
        EmbedSpec.of({"clip": {}}, clip.identity, text.identity)


def test_actors_given_gpus_run_their_models_there(models):
    import torch

    clip, text = models
    spec = EmbedSpec.of(LOAD_SPECS, clip.identity, text.identity)
    assert spec.device == "cpu" and RayEmbedder(spec, None).spec.device == "cpu"
    assert RayEmbedder(spec, None, num_gpus=0.5).spec.device == "cuda"
    if not torch.cuda.is_available():  # a GPU actor on a worker whose torch has no CUDA says so, before loading
        from engine.index.ray_embed import load_encoders

        with pytest.raises(ValueError, match="no CUDA device"):
            load_encoders(RayEmbedder(spec, None, num_gpus=1).spec)


def test_without_ray_the_runner_names_the_extra(monkeypatch, ingested_workspace, tmp_path, capsys):
    hide_ray(monkeypatch)
    with pytest.raises(RayMissingError, match="relevance-workbench\\[ray\\]"):
        RayEmbedder(EmbedSpec(), None)
    shutil.copytree(ingested_workspace.root, tmp_path / "ws")
    assert main(["index", "--home", str(tmp_path / "ws"), "--runner", "ray"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'relevance-workbench[ray]'" in err and "--runner local" in err


@pytest.mark.slow
def test_the_ray_runner_indexes_what_the_local_runner_indexes(ingested_workspace, models, tmp_path, capsys):
    import ray  # in the test extra

    clip, text = models
    local_ws, rows = small_copy(ingested_workspace, tmp_path / "local")
    ray_ws, _ = small_copy(ingested_workspace, tmp_path / "ray")
    local = build_index(local_ws, clip, text, load_specs=LOAD_SPECS)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        assert main(["index", "--home", str(ray_ws.root), "--runner", "ray", "--batch-size", "8", "--json"]) == 3
        again = build_index(ray_ws, clip, text, load_specs=LOAD_SPECS,
                            embedder=RayEmbedder(EmbedSpec.of(LOAD_SPECS, clip.identity, text.identity),
                                                 clip.preprocess))
    finally:
        ray.shutdown()
    assert local.image_problems and local.image_problems[0][0] == rows[0]["item_id"]
    assert rows[0]["item_id"] in capsys.readouterr().out  # the damaged image is reported, exit status 3
    assert_same_index(stored(ray_ws), stored(local_ws), (ray_ws, local_ws))
    assert (again.embedded_images, again.embedded_texts, again.unchanged) == (0, 0, N_ITEMS)  # incremental too
