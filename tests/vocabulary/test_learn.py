"""Families learned from raw keys (learn_keys.py) and the workspace vocabulary made from them (learn.py)."""

from collections import Counter

import pytest

from engine.attributes.curate import CurationError, CurationSettings, curate, curated_attributes
from engine.attributes.learn_keys import KeySettings, learn_key_families, names_match, value_cosine, value_spread
from engine.attributes.records import RawAttribute
from engine.vocabulary import AttributeValue, vocabulary_from_curated
from engine.vocabulary.learn import item_counts_of
from tests.vocabulary.fixtures import HOME_ENCODER, home_raw


def raw_of(rows):
    return [RawAttribute(*r) for r in rows]


@pytest.fixture(scope="module")
def home():
    raw = home_raw()
    curated = curate(raw, HOME_ENCODER.encode)
    vocab, report = vocabulary_from_curated(curated, item_counts_of(curated_attributes(raw, curated)), source="vlm:t")
    return curated, vocab, report


@pytest.mark.parametrize("a,b,same", [("colour", "colours", True), ("main color", "color", True),
                                      ("best room", "room", True), ("product type", "type", True),
                                      ("color", "colour", False), ("made of", "material", False),
                                      ("accent color", "main color", False), ("room", "mushroom", False)])
def test_names_match_by_normalisation_and_head_word(a, b, same):
    assert names_match(a, b) is same


def test_value_cosine_is_the_formula():
    a, b = Counter({"oak": 3, "rattan": 1}), Counter({"oak": 1, "glass": 2})
    assert value_cosine(a, b) == pytest.approx(3 / ((10 ** 0.5) * (5 ** 0.5)))
    assert value_cosine(a, Counter({"x": 1})) == 0.0


def test_key_variants_merge_and_the_family_takes_the_most_frequent_name(home):
    curated, _, _ = home
    keys = curated.keys["families"]
    assert keys["category"] == ["category", "item type"]  # by values (mug, vase, ...) and by name ("type")
    assert keys["color"] == ["color", "colour", "main color"]  # "Main_Color" normalised; "colour" by values
    assert keys["material"] == ["material", "made of", "main material"]  # 17, 17, 16 items: ties go to fewer words
    assert keys["room"] == ["room", "best room"]  # a family the project never heard of, on every item
    assert curated.keys["product_type"] == "category"


def test_a_key_on_one_item_is_dropped_and_counted(home):
    curated, _, _ = home
    assert curated.keys["dropped_keys"] == {"sparkle level": 1}
    assert curated.keys["min_key_support"] == 2


def test_values_merge_with_their_surface_forms_kept(home):
    _, vocab, _ = home
    assert vocab.family("color").value("sage") == AttributeValue("sage", ("sage green",))  # by embedding
    assert vocab.family("color").value("terracotta").forms == ("terra cotta",)  # by spelling
    assert vocab.family("style").value("mid-century").forms == ("mid century",)
    assert vocab.family("material").value("rattan").forms == ("wicker",)  # by embedding
    assert vocab.canonical("color", "Terra  Cotta") == "terracotta"


def test_non_ascii_values_survive(home):
    _, vocab, _ = home
    assert "crème" in vocab.family("color").names and "naturholz" in vocab.family("material").names
    assert vocab.canonical("color", "CRÈME") == "crème"


def test_vocabulary_defaults_product_type_visible_order_pivots_aspects(home):
    _, vocab, report = home
    assert vocab.family_names == ("color", "material", "category", "room", "style")  # visible, noun, others
    assert vocab.product_type == "category" and vocab.visible_families == ("color", "material", "category")
    assert vocab.family("room").pivot == "for the {}" and vocab.family("category").pivot == "as a {}"
    assert vocab.family("room").aspects == ("best room", "room")
    assert vocab.family("color").aspects == ("color", "colour", "main color")
    assert vocab.source == "vlm:t"
    # a family with one value cannot tell items apart: left out, and said so
    assert "warranty" not in vocab and report.single_value_families == {"warranty": "none"}
    assert any("warranty" in line for line in report.lines())


def test_previous_vocabulary_keeps_the_users_flags(home):
    from dataclasses import replace

    curated, vocab, _ = home
    edited = replace(vocab.family("room"), visible=True, pivot="in the {}", aspects=("which room",))
    previous = type(vocab)(tuple(edited if f.name == "room" else f for f in vocab.families), product_type="category")
    again, _ = vocabulary_from_curated(curated, previous=previous)
    assert again.family("room").visible and again.family("room").pivot == "in the {}"
    assert again.family("room").aspects == ("which room",)


def test_co_occurring_keys_stay_apart():
    # every item has a main colour and an accent colour from the same palette: two attributes, not two names
    palette = ["red", "blue", "green", "black"]
    rows = []
    for i in range(40):
        rows += [(f"i{i}", "color", palette[i % 4]), (f"i{i}", "accent color", palette[(i + 1) % 4])]
    keys = learn_key_families(raw_of(rows), None, KeySettings())
    assert keys.families == {"accent color": ("accent color",), "color": ("color",)}


def test_support_and_coverage_are_settings():
    rows = [(f"i{i}", "color", ("red", "blue")[i % 2]) for i in range(20)]
    rows += [(f"i{i}", "room", ("bath", "hall")[i % 2]) for i in range(3)]  # 3 of 20 items
    kept = learn_key_families(raw_of(rows), None, KeySettings(min_family_share=0.1, general_share=0.1))
    assert "room" in kept.families
    few = learn_key_families(raw_of(rows), None, KeySettings())
    assert "room" not in few.families and few.rare_families == {"room": 3}
    strict = learn_key_families(raw_of(rows), None, KeySettings(min_support=4))
    assert strict.dropped == {"room": 3}
    with pytest.raises(ValueError, match="min_family_share"):
        KeySettings(min_family_share=2).check()


def test_product_type_without_a_named_key_is_the_most_diverse_family():
    rows = [(f"i{i}", "thing", ("mug", "vase", "lamp", "chair")[i % 4]) for i in range(40)]
    rows += [(f"i{i}", "shade", ("dark", "light")[i % 2]) for i in range(40)]
    assert learn_key_families(raw_of(rows), None).product_type == "thing"


def test_a_narrow_family_describes_parts_of_some_products():
    # "detail" is on 60% of the items and each detail belongs to one product type: not a catalog-wide family
    rows = []
    for i in range(60):
        kind = ("mug", "vase", "lamp")[i % 3]
        rows += [(f"i{i}", "category", kind), (f"i{i}", "color", ("red", "blue")[i % 2])]
        if i % 5 < 3:
            rows.append((f"i{i}", "detail", f"{kind} detail {i % 2}"))
    spread_keys = learn_key_families(raw_of(rows), None)
    assert set(spread_keys.families) == {"category", "color"} and "detail" in spread_keys.narrow_families
    assert value_spread({"a": "x", "b": "y"}, {"a": "mug", "b": "vase"}) == 0.0  # the value names the type


def test_nothing_supported_names_the_settings_to_lower():
    with pytest.raises(CurationError, match="--min-family-share"):
        curate(raw_of([("a", "color", "red"), ("b", "size", "xl")]), None, CurationSettings(threshold=0))


def test_a_form_in_two_families_stays_with_the_one_on_more_items():
    rows = [(f"i{i}", "color", ("cream", "navy")[i % 2]) for i in range(20)]
    rows += [(f"i{i}", "finish", ("cream", "matte", "gloss")[i % 3]) for i in range(20)]
    curated = curate(raw_of(rows), None, CurationSettings(threshold=0))
    vocab, report = vocabulary_from_curated(curated, item_counts_of(curated_attributes(raw_of(rows), curated)))
    assert "cream" in vocab.family("color").names and "cream" not in vocab.family("finish").names
    assert report.moved_forms == [("cream", "color = 'cream'", "finish = 'cream'")]
