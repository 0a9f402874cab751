"""Each candidate generator over a real indexed table, with fake encoders, against brute force."""

import shutil

import numpy as np
import pytest

from engine.generators.registry import GENERATORS, get_generator
from engine.index.build import build_index
from engine.pipeline.context import SearchContext, UnknownItemError
from engine.records import Query, UnderstoodQuery
from engine.workspace import Workspace
from tests.fakes import FakeClip, FakeText


@pytest.fixture(scope="module")
def context(ingested_workspace, tmp_path_factory):
    root = tmp_path_factory.mktemp("gen") / "ws"
    shutil.copytree(ingested_workspace.root, root)
    workspace = Workspace(root)
    clip, text = FakeClip(), FakeText()
    build_index(workspace, clip, text)
    return SearchContext.open(workspace, clip, text)


def understood(text="", item=None, crop=None, enriched=None):
    return UnderstoodQuery(Query(text=text, item_id=item, crop=crop), "text", {}, {}, {},
                           enriched if enriched is not None else text)


def brute(context, column, vector, k):
    rows = context.table.to_arrow().select(["item_id", column]).to_pylist()
    scored = sorted(((-float(np.dot(r[column], vector)), r["item_id"]) for r in rows if r[column] is not None))
    return [i for _, i in scored[:k]]


def run(name, context, q, k=5, **params):
    g = get_generator(name)
    return g.run(context, q, g.check_params(params), k)


def test_text_cg_is_minilm_against_text_vec(context):
    hits = run("text", context, understood("red floral dress"))
    assert [i for i, _ in hits] == brute(context, "text_vec", context.text_encoder.encode(["red floral dress"])[0], 5)


def test_late_fusion_alpha_one_is_image_similarity_to_the_reference(context):
    item = sorted(context.items)[4]
    hits = run("late_fusion", context, understood("in red", item=item), alpha=1.0)
    assert hits[0][0] == item and hits[0][1] == pytest.approx(1.0, abs=1e-5)
    assert [i for i, _ in hits] == brute(context, "image_vec", context.item_vector(item), 5)


def test_late_fusion_alpha_zero_is_text_to_image(context):
    item = sorted(context.items)[4]
    hits = run("late_fusion", context, understood("in red", item=item), alpha=0.0)
    assert [i for i, _ in hits] == brute(context, "image_vec", context.clip.encode_texts(["in red"])[0], 5)


def test_late_fusion_mixes_and_normalises(context):
    item = sorted(context.items)[4]
    image, text = context.item_vector(item), context.clip.encode_texts(["in red"])[0]
    mix = 0.3 * image + 0.7 * text
    hits = run("late_fusion", context, understood("in red", item=item), alpha=0.3)
    assert [i for i, _ in hits] == brute(context, "image_vec", mix / np.linalg.norm(mix), 5)


def test_a_crop_is_embedded_and_a_bad_crop_is_refused(context):
    item = sorted(context.items)[4]
    hits = run("late_fusion", context, understood(item=item, crop=(0, 0, 50, 50)), alpha=1.0)
    assert len(hits) == 5
    with pytest.raises(ValueError, match="outside the 256x256 image or has zero area"):
        run("late_fusion", context, understood(item=item, crop=(10, 10, 10, 40)))
    with pytest.raises(ValueError, match="outside"):
        run("late_fusion", context, understood(item=item, crop=(0, 0, 900, 40)))


def test_lexical_finds_a_title_word_and_survives_hostile_text(context):
    rows = context.table.to_arrow().select(["item_id", "title"]).to_pylist()
    item, title = next((r["item_id"], r["title"]) for r in sorted(rows, key=lambda r: r["item_id"]) if r["title"])
    word = max(title.split(), key=len)
    assert item in [i for i, _ in run("lexical", context, understood(word), k=50)]
    for hostile in ["'; DROP TABLE items; --", 'a "quoted" AND (', "x" * 10_000, "red\x00dress", ""]:
        run("lexical", context, understood(hostile))


def test_unknown_names_and_parameters_list_the_known_ones(context):
    with pytest.raises(ValueError, match="unknown candidate generator 'magic'; known: text, late_fusion, lexical"):
        get_generator("magic")
    with pytest.raises(ValueError, match=r"CG 'late_fusion' has no parameters \['beta'\]; its parameters are \['alpha'\]"):
        GENERATORS["late_fusion"].check_params({"beta": 1})
    with pytest.raises(ValueError, match=r"alpha must lie in \[0, 1\]"):
        run("late_fusion", context, understood("x"), alpha=2)


def test_an_unknown_reference_item_is_named(context):
    with pytest.raises(UnknownItemError, match="unknown item id 'nope'"):
        run("late_fusion", context, understood("in red", item="nope"))


def test_empty_queries_return_nothing(context):
    assert run("text", context, understood("")) == [] and run("late_fusion", context, understood("")) == []
