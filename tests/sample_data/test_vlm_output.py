"""Raw VLM output: high recall of the true values, with the noise PinLanding's curation must remove."""

import json
import tomllib
from collections import Counter

import pytest

from sample_data.listing import write_listing
from sample_data.spec import SceneSpec, sample_products, sample_scenes
from sample_data.vlm_output import VLM_WORDS_PATH, raw_vlm_attributes, raw_vlm_scene_attributes
from sample_data.vocabulary import load_vocabulary

VOCAB = load_vocabulary()
KEYS = tomllib.loads(VLM_WORDS_PATH.read_text())["keys"]
N = 2000


def value_of(form):
    """(family, value) whose synonyms include this surface form, or None."""
    for family in VOCAB.families.values():
        for value in family.values:
            if form.lower() in value.synonyms:
                return family.name, value.name
    return None


def reported(family, spec, pairs):
    """Whether the pairs hold some surface form of the spec's true value of the family."""
    return any(value_of(p["value"]) == (family, getattr(spec, family)) for p in pairs)


def under_keys(family, specs, outputs):
    """(true value, what the value found under one of the family's key names is) for every such pair."""
    return [(getattr(s, family), value_of(p["value"])) for s, pairs in zip(specs, outputs) for p in pairs
            if p["key"] in KEYS[family]]


@pytest.fixture(scope="module")
def specs():
    return sample_products(N, 33)


@pytest.fixture(scope="module")
def outputs(specs):
    return [raw_vlm_attributes(s, write_listing(s)) for s in specs]


def test_deterministic_and_json_serialisable(specs, outputs):
    assert raw_vlm_attributes(specs[5], write_listing(specs[5])) == outputs[5]
    assert outputs[5] != outputs[6]
    for pairs in outputs[:200]:
        assert json.loads(json.dumps(pairs)) == pairs
        assert all(set(p) == {"key", "value"} and isinstance(p["value"], str) and p["value"] for p in pairs)


@pytest.mark.parametrize("family", ["category", "color", "pattern", "material"])
def test_true_value_is_reported_for_nearly_every_item(specs, outputs, family):
    found = sum(reported(family, s, pairs) for s, pairs in zip(specs, outputs))
    assert found / N >= 0.9


def test_textual_families_are_reported_less_often(specs, outputs):
    def recall(family):
        return sum(reported(family, s, pairs) for s, pairs in zip(specs, outputs)) / N

    assert 0.5 < recall("season") < recall("color")


def test_near_duplicate_forms_and_key_names(specs, outputs):
    boho = {p["value"].lower() for s, pairs in zip(specs, outputs) if s.style == "boho" for p in pairs
            if value_of(p["value"]) == ("style", "boho")}
    navy = {p["value"].lower() for s, pairs in zip(specs, outputs) if s.color == "navy" for p in pairs
            if value_of(p["value"]) == ("color", "navy")}
    assert {"boho", "bohemian"} <= boho
    assert {"navy", "navy blue"} <= navy
    color_keys = {p["key"] for pairs in outputs for p in pairs if p["key"] in KEYS["color"]}
    assert {"color", "colour"} <= color_keys
    # The same value twice in one item ("navy" and "navy blue") happens, but not usually.
    doubled = 0
    for pairs in outputs:
        values = Counter(value_of(p["value"]) for p in pairs if value_of(p["value"]))
        doubled += any(n > 1 for n in values.values())
    assert 0.05 < doubled / N < 0.6


def test_over_specific_descriptors_are_many_and_rare(outputs):
    keys = {"detail", "neckline", "fit", "length"}
    descriptors = Counter(p["value"] for pairs in outputs for p in pairs if p["key"] in keys)
    assert len(descriptors) > 50
    assert "lace-trim hem with side slit" in descriptors
    assert all(value_of(v) is None for v in descriptors)
    assert sum(n < N * 0.01 for n in descriptors.values()) > 20


def test_some_values_are_wrong(specs, outputs):
    colors = under_keys("color", specs, outputs)
    wrong = sum(found != ("color", truth) for truth, found in colors) / len(colors)
    assert 0.01 < wrong < 0.12
    materials = under_keys("material", specs, outputs)
    assert 0 < sum(found != ("material", truth) for truth, found in materials) < 0.12 * len(materials)


def test_some_keys_are_not_families(outputs):
    family_keys = {k for keys in KEYS.values() for k in keys}
    descriptor_keys = {
        "detail", "neckline", "fit", "length", "sleeve", "closure", "sole", "heel", "hardware", "strap", "size",
    }
    stray = sum(any(p["key"] not in family_keys | descriptor_keys for p in pairs) for pairs in outputs) / N
    assert 0.05 < stray < 0.5


def test_scene_output_lists_several_objects():
    products = sample_products(300, 9)
    by_id = {p.item_id: p for p in products}
    scenes = sample_scenes(products, 80, 9)
    seen_categories = total = 0
    for scene in scenes:
        members = [by_id[m] for m in scene.members]
        pairs = raw_vlm_scene_attributes(scene, members)
        assert pairs == raw_vlm_scene_attributes(scene, members)
        assert json.loads(json.dumps(pairs)) == pairs
        objects = {p["object"] for p in pairs if "object" in p}
        assert objects and all(isinstance(o, int) and o >= 1 for o in objects)
        categories = {value_of(p["value"]) for p in pairs if "object" in p}
        for m in members:
            total += 1
            seen_categories += ("category", m.category) in categories
    assert seen_categories / total >= 0.85


def test_scene_output_rejects_members_that_do_not_match():
    products = sample_products(3, 1)
    scene = SceneSpec(item_id="s000000", seed=5, members=(products[0].item_id, products[1].item_id))
    with pytest.raises(ValueError, match="p000002"):
        raw_vlm_scene_attributes(scene, [products[0], products[2]])
