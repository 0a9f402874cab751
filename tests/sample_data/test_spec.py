"""Spec sampling: determinism, coverage of every vocabulary value, skew and correlations."""

from collections import Counter

import pytest

from sample_data.spec import OUTFIT_GROUPS, sample_products, sample_scenes, split_counts
from sample_data.vocabulary import load_vocabulary, parse_vocabulary

VOCAB = load_vocabulary()


@pytest.fixture(scope="module")
def specs():
    return sample_products(3000, seed=7)


def test_same_seed_same_specs_and_index_stable():
    assert sample_products(50, seed=1) == sample_products(50, seed=1)
    assert sample_products(50, seed=1) != sample_products(50, seed=2)
    # item 30 does not depend on how many items were drawn before it
    assert sample_products(10, seed=1, start=30)[0] == sample_products(40, seed=1)[30]


def test_every_family_value_appears_in_3000_items(specs):
    for family in VOCAB.families.values():
        seen = Counter(getattr(s, family.name) for s in specs)
        missing = set(family.names) - set(seen)
        assert not missing, f"{family.name} values never drawn: {missing}"
        assert set(seen) <= set(family.names)


@pytest.mark.parametrize("family", ["category", "color", "pattern", "material", "occasion"])
def test_values_are_skewed(specs, family):
    counts = Counter(getattr(s, family) for s in specs).most_common()
    assert counts[0][1] >= 4 * counts[-1][1], counts


def test_correlations_hold(specs):
    jeans = [s for s in specs if s.category == "jeans"]
    assert jeans and all(s.material == "denim" for s in jeans)
    sweaters = [s for s in specs if s.category == "sweater"]
    winter_share = sum(s.season in ("winter", "fall") for s in sweaters) / len(sweaters)
    overall = sum(s.season in ("winter", "fall") for s in specs) / len(specs)
    assert winter_share > overall + 0.2
    satin = [s for s in specs if s.material == "satin"]
    assert sum(s.occasion in ("party", "wedding") for s in satin) / len(satin) > 0.5


def test_accent_colour_only_for_patterns(specs):
    for s in specs:
        assert (s.accent_color is None) == (s.pattern == "solid")
        assert s.accent_color != s.color


def test_scenes_take_one_product_per_outfit_group(specs):
    group_of = {c: g for g, cats in OUTFIT_GROUPS.items() for c in cats}
    by_id = {s.item_id: s for s in specs}
    scenes = sample_scenes(specs, 200, seed=7)
    assert len(scenes) == 200
    for scene in scenes:
        assert 2 <= len(scene.members) <= 4
        groups = [group_of[by_id[m].category] for m in scene.members]
        assert len(set(groups)) == len(groups)


def test_split_counts():
    assert split_counts(3000) == (2700, 300)
    assert split_counts(5) == (5, 0)
    with pytest.raises(ValueError, match="at least 1"):
        split_counts(0)


def test_vocabulary_rejects_a_rule_that_can_never_apply():
    data = {
        "families": {
            "category": {"values": [{"name": "dress", "weight": 1}]},
            "color": {"values": [{"name": "red", "weight": 1}]},
        },
        "affinity": [{"when": {"color": "red"}, "then": {"category": {"dress": 2}}}],
    }
    with pytest.raises(ValueError, match="sampled before"):
        parse_vocabulary(data)


def test_vocabulary_rejects_unknown_values():
    data = {
        "families": {"category": {"values": [{"name": "dress", "weight": 1}]},
                     "color": {"values": [{"name": "red", "weight": 1}]}},
        "affinity": [{"when": {"category": "dress"}, "then": {"color": {"mauve": 2}}}],
    }
    with pytest.raises(ValueError, match="mauve"):
        parse_vocabulary(data)


def test_vocabulary_reads_visible_flags_and_forms_canonical_name_first():
    red = {"name": "red", "weight": 1, "synonyms": ["red", "scarlet"]}
    data = {"families": {"color": {"visible": True, "values": [red]},
                         "room": {"values": [{"name": "kitchen", "weight": 1}]}}}
    vocab = parse_vocabulary(data)
    assert vocab.family("color").visible and not vocab.family("room").visible
    assert vocab.forms("color", "red") == ("red", "scarlet") and vocab.forms("room", "kitchen") == ("kitchen",)
    red["synonyms"] = ["scarlet", "red"]
    with pytest.raises(ValueError, match="'red' must list its own name first in synonyms, got 'scarlet'"):
        parse_vocabulary(data)


def test_vocabulary_can_require_two_values_per_family():
    data = {"families": {"color": {"values": [{"name": "red", "weight": 1}, {"name": "blue", "weight": 1}]},
                         "room": {"values": [{"name": "kitchen", "weight": 1}]}}}
    assert parse_vocabulary(data).family_names == ("color", "room")
    with pytest.raises(ValueError, match="family 'room' has 1 value"):
        parse_vocabulary(data, min_values=2)
