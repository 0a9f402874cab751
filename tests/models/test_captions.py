"""Training captions name attributes in the vocabulary's words, so that attribute words ground in pixels; pairs come
from the workspace's ingested items or a sample-format folder."""

import json

import pytest

from engine.models.training.attribute_prompts import prompt_families, prompt_texts
from engine.models.training.captions import attribute_captions, metadata_captions, scene_captions
from engine.models.training.item_values import item_values
from engine.models.training.pairs import is_held_out, load_pairs, workspace_pairs
from engine.vocabulary import EMPTY, Vocabulary
from sample_data.workspace_vocabulary import fashion_vocabulary
from tests.collections.fixtures import HOME_FAMILIES, HOME_ITEMS, home_vocabulary

VOCAB = fashion_vocabulary()


def test_attribute_captions_name_one_two_and_all_visible_attributes():
    caps = attribute_captions({"category": "dress", "color": "red", "pattern": "floral", "material": "satin",
                               "season": "summer"}, VOCAB)
    assert "a photo of a dress" in caps
    assert "a photo of a red dress" in caps and "a photo of a floral dress" in caps
    assert "a photo of a satin dress" in caps
    assert "a red floral satin dress" in caps and "a red floral dress" in caps
    assert "a red floral satin dress, summer" in caps  # families not visible come after a comma


def test_captions_in_another_domain_use_its_product_type_and_visible_families():
    home = home_vocabulary()
    caps = attribute_captions({"item": "mug", "color": "teal", "material": "rattan", "room": "kitchen"}, home)
    assert caps == ["a photo of a mug", "a photo of a teal mug", "a photo of a rattan mug", "a teal rattan mug",
                    "a teal rattan mug, kitchen"]
    assert prompt_families(home) == ("item", "color", "material")
    assert prompt_texts("material", "marble", "vase", "item") == ["a photo of a marble vase", "marble vase"]
    assert prompt_texts("item", "vase", "vase", "item") == ["a photo of a vase", "vase"]


def test_no_product_type_no_attribute_captions():
    assert attribute_captions({"color": "red"}, VOCAB) == []
    assert attribute_captions({"color": "red"}, EMPTY) == []
    no_noun = Vocabulary(home_vocabulary().families)  # no product type: a generic noun, if anything is visible
    assert attribute_captions({"color": "teal"}, no_noun)[:2] == ["a photo of a product", "a photo of a teal product"]
    assert prompt_families(no_noun) == ()


def test_scene_and_metadata_captions():
    assert scene_captions([{"category": "dress", "color": "red"}, {"category": "boots", "color": "black"}],
                          VOCAB)[0] == "a scene with red dress, black boots"
    assert metadata_captions("Red Gown", "Long. Elegant.", ["red", "gown"]) == ["Red Gown", "red, gown"]
    assert metadata_captions(None, "Long and elegant. Fits well.", None) == ["Long and elegant"]


def test_item_values_take_columns_then_extra_then_the_most_confident_tag_in_the_vocabulary():
    home = home_vocabulary()
    tags = [{"family": "room", "value": "kitchen", "confidence": 0.4},
            {"family": "room", "value": "bedroom", "confidence": 0.9},
            {"family": "color", "value": "white", "confidence": 0.99}]
    got = item_values(home, attributes=json.dumps({"color": "teal"}),
                      extra=json.dumps({"material": "Wicker", "brand": "acme", "item": "mug"}), tagged=json.dumps(tags))
    # the catalog's color wins over the tag; "Wicker" is a surface form of rattan; brand is no family
    assert got == {"color": "teal", "material": "rattan", "item": "mug", "room": "bedroom"}
    assert item_values(EMPTY, attributes={"brand": "acme"}) == {"brand": "acme"}


def make_home_workspace(root):
    """An ingested-looking workspace: images on disk, attribute columns kept in `extra`, no `attributes` column."""
    import lancedb
    import pyarrow as pa
    from PIL import Image

    from engine.index.store import ITEMS_SCHEMA, ITEMS_TABLE
    from engine.workspace import Workspace

    workspace = Workspace(root).create()
    ids = sorted(HOME_ITEMS)
    (workspace.root / "catalog").mkdir(exist_ok=True)
    for i in ids:
        Image.new("RGB", (8, 8), (10, 120, 120)).save(workspace.root / "catalog" / f"{i}.png")
    columns = {f.name: pa.nulls(len(ids), f.type) for f in ITEMS_SCHEMA}
    columns["item_id"] = pa.array(ids, pa.string())
    columns["image_path"] = pa.array([f"catalog/{i}.png" for i in ids], pa.string())
    columns["title"] = pa.array([f"{HOME_ITEMS[i][1]} {HOME_ITEMS[i][0]}" if i != "h9" else None for i in ids])
    columns["tags"] = pa.array([["home"] for _ in ids], pa.list_(pa.string()))
    columns["extra"] = pa.array([json.dumps({f: v for f, v in zip(HOME_FAMILIES, HOME_ITEMS[i]) if v})
                                 for i in ids], pa.string())
    lancedb.connect(str(workspace.lancedb_dir)).create_table(ITEMS_TABLE, data=pa.table(columns, schema=ITEMS_SCHEMA))
    return workspace


def test_workspace_pairs_caption_ingested_items_in_their_own_vocabulary(tmp_path):
    workspace = make_home_workspace(tmp_path / "ws")
    pairs = {p.item_id: p for p in workspace_pairs(workspace, home_vocabulary(), holdout_fraction=0.0)}
    assert set(pairs) == set(HOME_ITEMS) and pairs["h1"].image_path == workspace.root / "catalog" / "h1.png"
    assert pairs["h1"].attributes == {"item": "mug", "color": "teal", "material": "ceramic", "room": "kitchen"}
    assert "a teal ceramic mug, kitchen" in pairs["h1"].captions
    assert "teal mug" in pairs["h1"].captions and "home" in pairs["h1"].captions  # its title and tags
    assert "a photo of a lamp" in pairs["h9"].captions  # no title: its attributes still caption it
    bare = {p.item_id: p for p in workspace_pairs(workspace, EMPTY, holdout_fraction=0.0)}
    assert bare["h1"].captions == ("teal mug", "home")  # no vocabulary: titles and tags only


def test_a_sample_format_folder_stays_accepted(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{"item_id": "p1", "image_path": "images/p1.png", "title": "Red Gown", "category": "dress", "color": "red"},
            {"item_id": "p2", "image_path": "images/p2.png", "title": None, "category": None, "color": None}]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "items.parquet")
    pairs = load_pairs(tmp_path, VOCAB, holdout_fraction=0.0)
    assert [p.item_id for p in pairs] == ["p1"]  # p2 has nothing to caption it
    assert pairs[0].attributes == {"category": "dress", "color": "red"} and "a photo of a red dress" in pairs[0].captions
    assert load_pairs(tmp_path, holdout_fraction=0.0)[0].captions == ("Red Gown",)  # no vocabulary.toml beside it
    with pytest.raises(FileNotFoundError, match="leave --catalog out"):
        load_pairs(tmp_path / "none", VOCAB, holdout_fraction=0.0)


def test_held_out_split_is_stable_and_near_its_fraction():
    ids = [f"p{i:06d}" for i in range(5000)]
    held = [i for i in ids if is_held_out(i, 0.1)]
    assert held == [i for i in ids if is_held_out(i, 0.1)]
    assert 0.08 < len(held) / len(ids) < 0.12
