"""Training captions name attributes so that attribute words ground in pixels."""

from engine.models.training.captions import attribute_captions, metadata_captions, scene_captions
from engine.models.training.pairs import is_held_out


def test_attribute_captions_name_one_two_and_all_visible_attributes():
    caps = attribute_captions({"category": "dress", "color": "red", "pattern": "floral", "material": "satin",
                               "season": "summer"})
    assert "a photo of a dress" in caps
    assert "a photo of a red dress" in caps and "a photo of a floral dress" in caps
    assert "a photo of a satin dress" in caps
    assert "a red floral satin dress" in caps and "a red floral dress" in caps
    assert any("summer" in c for c in caps)


def test_no_category_no_attribute_captions():
    assert attribute_captions({"color": "red"}) == []


def test_scene_and_metadata_captions():
    assert scene_captions([{"category": "dress", "color": "red"}, {"category": "boots", "color": "black"}])[0] == (
        "an outfit with red dress, black boots")
    assert metadata_captions("Red Gown", "Long. Elegant.", ["red", "gown"]) == ["Red Gown", "red, gown"]
    assert metadata_captions(None, "Long and elegant. Fits well.", None) == ["Long and elegant"]


def test_held_out_split_is_stable_and_near_its_fraction():
    ids = [f"p{i:06d}" for i in range(5000)]
    held = [i for i in ids if is_held_out(i, 0.1)]
    assert held == [i for i in ids if is_held_out(i, 0.1)]
    assert 0.08 < len(held) / len(ids) < 0.12
