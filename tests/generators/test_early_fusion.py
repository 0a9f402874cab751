"""The `early_fusion` CG over a real indexed LanceDB table (fake encoders), with a fusion checkpoint in the workspace."""

import shutil

import numpy as np
import pytest
import torch

from engine.generators.registry import GENERATORS, get_generator
from engine.index.build import build_index
from engine.models.errors import ModelMismatchError
from engine.models.fusion import (
    Combiner,
    FusionArchitecture,
    FusionSettings,
    compose,
    fusion_for,
    load_fusion,
    save_fusion,
    train_fusion,
    workspace_checkpoint,
)
from engine.pipeline.context import SearchContext
from engine.records import Query, UnderstoodQuery
from engine.workspace import Workspace
from sample_data.workspace_vocabulary import fashion_vocabulary
from tests.fakes import FakeClip, FakeText
from workbench.cli import main

META = dict(data_hash="", settings={}, metrics={}, trained_seconds=0.0, train_triplets=0, held_out_triplets=0)


@pytest.fixture(scope="module")
def indexed(ingested_workspace, tmp_path_factory):
    root = tmp_path_factory.mktemp("early") / "ws"
    shutil.copytree(ingested_workspace.root, root)
    workspace = Workspace(root)
    build_index(workspace, FakeClip(), FakeText())
    return workspace


@pytest.fixture(scope="module")
def context(indexed):
    clip = FakeClip()
    torch.manual_seed(0)
    save_fusion(Combiner(FusionArchitecture(clip.identity.dim, 8, 8)), workspace_checkpoint(indexed),
                clip_identity=clip.identity.key(), **META)
    return SearchContext.open(indexed, clip, FakeText())


def understood(text="", item=None):
    return UnderstoodQuery(Query(text=text, item_id=item), "pivot", {}, {}, {}, "enriched text differs")


def brute(context, vector, k):
    rows = context.table.to_arrow().select(["item_id", "image_vec"]).to_pylist()
    scored = sorted(((-float(np.dot(r["image_vec"], vector)), r["item_id"]) for r in rows if r["image_vec"] is not None))
    return [i for _, i in scored[:k]]


def run(context, q, k=5):
    g = get_generator("early_fusion")
    return g.run(context, q, g.check_params({}), k)


def test_composes_the_reference_with_the_cleaned_query_text(context):
    item = sorted(context.items)[4]
    model, _ = load_fusion(workspace_checkpoint(context.workspace))
    composed = compose(model, context.item_vector(item), context.clip.encode_texts(["in red"])[0])
    hits = run(context, understood(" in\x00  red ", item=item))  # cleaned to "in red"; the enriched text is unused
    assert [i for i, _ in hits] == brute(context, composed, 5)
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == pytest.approx(float(np.dot(context.item_vector(hits[0][0]), composed)), abs=1e-5)


def test_no_text_searches_with_the_reference_alone_and_no_image_returns_nothing(context):
    item = sorted(context.items)[7]
    hits = run(context, understood("", item=item))
    assert hits[0] == (item, pytest.approx(1.0, abs=1e-5))
    assert [i for i, _ in hits] == brute(context, context.item_vector(item), 5)
    assert run(context, understood("in red")) == []


def test_the_model_is_loaded_once_per_context(context):
    assert fusion_for(context) is fusion_for(context)


def test_a_checkpoint_of_another_open_clip_model_is_refused_with_the_command(indexed, context):
    other = SearchContext(indexed, context.table, FakeClip(name="other-clip"), context.text_encoder, context.items)
    with pytest.raises(ModelMismatchError, match=f"workbench train fusion --home {indexed.root}"):
        fusion_for(other)


def test_without_its_own_checkpoint_the_committed_sample_is_used_and_checked(ingested_workspace, tmp_path):
    root = tmp_path / "ws"
    shutil.copytree(ingested_workspace.root, root)
    build_index(Workspace(root), FakeClip(), FakeText())
    bare = SearchContext.open(Workspace(root), FakeClip(), FakeText())
    item = sorted(bare.items)[0]
    with pytest.raises(ModelMismatchError, match="trained over open_clip model workbench-sample@.*fake-clip"):
        run(bare, understood("in red", item=item))


def test_registered_after_the_others():
    assert list(GENERATORS)[-1] == "early_fusion" and GENERATORS["early_fusion"].params == {}


def test_train_fusion_end_to_end_on_the_tiny_workspace(indexed, tmp_path):
    out = tmp_path / "fusion.safetensors"
    settings = FusionSettings(epochs=2, batch_size=32, proj_dim=8, hidden_dim=8, per_reference=4, warmup_steps=1,
                              threads=1)
    report = train_fusion(indexed, out, settings, clip=FakeClip(), vocab=fashion_vocabulary())
    _, meta = load_fusion(out, expected_identity=FakeClip().identity.key())
    assert report.train_triplets == meta.train_triplets > 0 and meta.metrics == report.metrics
    assert meta.settings["epochs"] == 2 and len(meta.data_hash) == 64
    assert meta.vocabulary_hash == fashion_vocabulary().hash
    assert "pivot.early_fusion.p@10" in report.summary() or "descriptor.early_fusion.p@10" in report.summary()


def test_cli_bad_input_exits_2_with_a_message(indexed, tmp_path, capsys):
    assert main(["train", "fusion", "--home", str(tmp_path / "none")]) == 2
    assert "has no index; run `workbench index" in capsys.readouterr().err
    assert main(["train", "fusion", "--home", str(indexed.root), "--out", str(tmp_path / "m.pt")]) == 2
    assert "name the file NAME.safetensors" in capsys.readouterr().err
