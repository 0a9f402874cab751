"""Triplet mining on a tiny hand-made attribute table, checked against brute force over a random one."""

import random
from itertools import product

import pytest

from engine.models.fusion.triplets import (
    TripletError,
    is_held_out,
    mine_triplets,
    mining_plan,
    valid_descriptor_targets,
    valid_pivot_targets,
)
from engine.query.lexicon import lexicon_for
from engine.vocabulary import EMPTY, Vocabulary
from sample_data.workspace_vocabulary import fashion_vocabulary
from tests.collections.fixtures import HOME_FAMILIES, HOME_ITEMS, home_vocabulary

VOCAB = fashion_vocabulary()
PLAN = mining_plan(VOCAB)

ATTRS = {
    "a": {"category": "dress", "color": "blue", "pattern": "striped", "material": "cotton", "style": "boho"},
    "b": {"category": "dress", "color": "red", "pattern": "striped", "material": "cotton", "style": "classic"},
    "c": {"category": "dress", "color": "blue", "pattern": "floral", "material": "cotton", "style": "boho"},
    "d": {"category": "dress", "color": "red", "pattern": "floral", "material": "cotton"},  # two families off a
    "e": {"category": "shirt", "color": "red", "pattern": "striped", "material": "cotton"},  # another category
    "f": {"category": "dress", "color": "blue", "pattern": "striped", "material": "satin", "occasion": "party"},
}


def values_named(text, vocab=VOCAB):
    return {(m.entry.family, m.entry.value) for m in lexicon_for(vocab).find(text) if m.entry.kind == "value"}


def aspects_named(text, vocab=VOCAB):
    return {m.entry.family for m in lexicon_for(vocab).find(text) if m.entry.kind == "aspect"}


def test_the_plan_comes_from_the_vocabulary():
    assert PLAN.product_type == "category"
    assert PLAN.pivot_families == ("color", "pattern", "material", "style", "season", "occasion")
    assert PLAN.kept_families == ("color", "pattern", "material")  # the visible families besides the product type
    assert set(PLAN.descriptor_families) == {f.name for f in VOCAB.families if f.aspects and f.name != "category"}
    assert "as a {v}" not in {t for ts in PLAN.templates.values() for t in ts}  # the product type is never pivoted
    assert "for {v}" in PLAN.templates["occasion"] and "make it {v}" in PLAN.templates["color"]
    assert "make it {v}" not in PLAN.templates["occasion"]  # bare-value phrasings are for visible families


def test_pivots_of_a_are_the_items_differing_in_exactly_one_kept_family():
    mined = mine_triplets(ATTRS, VOCAB, ["a"], per_reference=100, seed=0)
    pivots = {(t.target, t.family, t.value) for t in mined if t.kind == "pivot"}
    # b: color; c: pattern; f: material (its extra occasion is no kept family). style differs in b and c too,
    # but with a kept family changed as well; "a" has no occasion or season: nothing to pivot from.
    assert pivots == {("b", "color", "red"), ("c", "pattern", "floral"), ("f", "material", "satin")}


def test_pivot_text_names_the_target_value_and_no_other_value_of_that_family():
    for seed in range(5):
        for t in mine_triplets(ATTRS, VOCAB, per_reference=100, seed=seed):
            if t.kind == "pivot":
                named = {v for f, v in values_named(t.text) if f == t.family}
                assert named == {t.value}, t


def test_descriptors_share_category_and_the_named_familys_value():
    mined = mine_triplets(ATTRS, VOCAB, ["a"], per_reference=100, seed=0)
    got = {(t.target, t.family) for t in mined if t.kind == "descriptor"}
    assert got == {("c", "color"), ("f", "color"), ("b", "pattern"), ("f", "pattern"),
                   ("b", "material"), ("c", "material"), ("d", "material"), ("c", "style")}
    for t in mined:
        if t.kind == "descriptor":
            assert t.value == ATTRS["a"][t.family] and t.family in aspects_named(t.text), t


def home_attributes():
    return {i: {f: v for f, v in zip(HOME_FAMILIES, values) if v} for i, values in HOME_ITEMS.items()}


def test_triplets_in_another_domain_use_its_families_words_and_product_type():
    home = home_vocabulary()
    attrs = home_attributes()
    mined = mine_triplets(attrs, home, per_reference=100, seed=0)
    pivots = {(t.reference, t.target, t.family, t.value) for t in mined if t.kind == "pivot"}
    # h1 (teal ceramic kitchen mug): h3 differs in material only, h4 in color only; no vase is ever a target
    assert {(t, f, v) for r, t, f, v in pivots if r == "h1"} == {("h3", "material", "rattan"), ("h4", "color", "white")}
    # a room pivot needs two items of one product type alike in the visible families (color, material) but in
    # different rooms: every mug here is a kitchen one and every vase a bedroom one, so there is none
    assert "room" not in {f for _, _, f, _ in pivots}
    assert all(attrs[r]["item"] == attrs[t]["item"] for r, t, _, _ in pivots)
    for t in mined:
        if t.kind == "pivot":
            assert {v for f, v in values_named(t.text, home) if f == t.family} == {t.value}, t
        else:
            assert t.family in aspects_named(t.text, home), t
    texts = " ".join(t.text for t in mined)
    assert "made of" in texts or "make it" in texts
    assert "category" not in texts and "dress" not in texts


def test_a_room_pivot_is_phrased_with_the_familys_pivot():
    home = home_vocabulary()
    attrs = {"r1": {"item": "lamp", "color": "white", "material": "marble", "room": "kitchen"},
             "r2": {"item": "lamp", "color": "white", "material": "marble", "room": "bedroom"}}
    mined = mine_triplets(attrs, home, ["r1"], per_reference=100, seed=3)
    pivot = next(t for t in mined if t.kind == "pivot")
    assert (pivot.target, pivot.family, pivot.value) == ("r2", "room", "bedroom")
    assert pivot.text in {"for the bedroom", "the same but for the bedroom", "i want it for the bedroom",
                          "something for the bedroom"}


def test_a_vocabulary_that_cannot_anchor_triplets_is_named():
    with pytest.raises(TripletError, match="workbench attributes run"):
        mine_triplets(ATTRS, EMPTY)
    with pytest.raises(TripletError, match="product_type"):
        mine_triplets(home_attributes(), Vocabulary(home_vocabulary().families))


def random_attributes(n, seed):
    rng = random.Random(seed)
    out = {}
    for i in range(n):
        attrs = {"category": rng.choice(["dress", "shirt"]), "color": rng.choice(["red", "blue", "black"]),
                 "pattern": rng.choice(["solid", "striped"]), "material": rng.choice(["cotton", "linen"]),
                 "occasion": rng.choice(["party", "office"]), "style": rng.choice(["boho", "classic"])}
        if i % 7 == 0:
            del attrs["pattern"]  # a family that does not apply
        out[f"i{i:03d}"] = attrs
    return out


def test_with_no_cap_mining_finds_exactly_the_brute_force_pairs():
    attrs = random_attributes(40, seed=1)
    brute = set()
    for r, t in product(attrs, attrs):
        a, b = attrs[r], attrs[t]
        if r == t or a["category"] != b["category"]:
            continue
        for family in PLAN.pivot_families:
            others = [f for f in PLAN.kept_families if f != family]
            if a.get(family) != b.get(family) and all(a.get(f) is not None and a.get(f) == b.get(f) for f in others):
                if a.get(family) is not None and b.get(family) is not None:
                    brute.add((r, t, "pivot", family))
        for family in PLAN.descriptor_families:
            if a.get(family) is not None and a.get(family) == b.get(family):
                brute.add((r, t, "descriptor", family))
    mined = mine_triplets(attrs, VOCAB, per_reference=10_000, seed=0)
    assert {(t.reference, t.target, t.kind, t.family) for t in mined} == brute
    for t in mined:
        oracle = valid_pivot_targets if t.kind == "pivot" else valid_descriptor_targets
        args = ((attrs, VOCAB, t.reference, t.family, t.value) if t.kind == "pivot"
                else (attrs, VOCAB, t.reference, t.family))
        assert t.target in oracle(*args)


def test_cap_balance_and_determinism():
    attrs = random_attributes(60, seed=2)
    first, again = mine_triplets(attrs, VOCAB, per_reference=6, seed=4), mine_triplets(attrs, VOCAB, per_reference=6,
                                                                                        seed=4)
    assert first == again
    assert first != mine_triplets(attrs, VOCAB, per_reference=6, seed=5)
    per_ref = {}
    for t in first:
        per_ref.setdefault(t.reference, []).append(t)
    assert max(map(len, per_ref.values())) == 6
    available = {}
    for t in mine_triplets(attrs, VOCAB, per_reference=10_000):
        available[(t.reference, t.kind)] = available.get((t.reference, t.kind), 0) + 1
    for ref, ts in per_ref.items():  # half pivots where there are enough of both kinds, else what there is
        pivots, descriptors = available.get((ref, "pivot"), 0), available.get((ref, "descriptor"), 0)
        expected = min(pivots, max(6 - descriptors, 3))
        assert sum(t.kind == "pivot" for t in ts) == expected
        assert len(ts) == min(6, pivots + descriptors)
    # every family the random catalog varies while keeping the visible ones (season is absent from it)
    assert {t.family for t in first if t.kind == "pivot"} == set(PLAN.pivot_families) - {"season"}


def test_targets_are_limited_to_the_given_pool():
    mined = mine_triplets(ATTRS, VOCAB, ["a"], ["b", "c"], per_reference=100)
    assert {t.target for t in mined} == {"b", "c"}


def test_holdout_split_is_a_stable_tenth():
    ids = [f"p{i:06d}" for i in range(3000)]
    held = [i for i in ids if is_held_out(i)]
    assert 0.08 < len(held) / len(ids) < 0.12
    assert held[:4] == ["p000024", "p000037", "p000041", "p000045"]  # the same in every process and version
    assert set(i for i in ids if is_held_out(i, 0.2)) > set(held)


def test_bad_input_is_named():
    with pytest.raises(TripletError, match="items \\['zz'\\] have no attributes"):
        mine_triplets(ATTRS, VOCAB, ["zz"])
    with pytest.raises(TripletError, match="item 'x': attributes must be a family -> value mapping"):
        mine_triplets({"x": ["red"]}, VOCAB)
    with pytest.raises(TripletError, match="per_reference must be at least 1"):
        mine_triplets(ATTRS, VOCAB, per_reference=0)
