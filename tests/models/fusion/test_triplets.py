"""Triplet mining on a tiny hand-made attribute table, checked against brute force over a random one."""

import random
from itertools import product

import pytest

from engine.models.fusion.triplets import (
    DESCRIPTOR_FAMILIES,
    KEPT_FAMILIES,
    PIVOT_FAMILIES,
    TripletError,
    is_held_out,
    mine_triplets,
    valid_descriptor_targets,
    valid_pivot_targets,
)
from engine.query.lexicon import default_lexicon

ATTRS = {
    "a": {"category": "dress", "color": "blue", "pattern": "striped", "material": "cotton", "style": "boho"},
    "b": {"category": "dress", "color": "red", "pattern": "striped", "material": "cotton", "style": "classic"},
    "c": {"category": "dress", "color": "blue", "pattern": "floral", "material": "cotton", "style": "boho"},
    "d": {"category": "dress", "color": "red", "pattern": "floral", "material": "cotton"},  # two families off a
    "e": {"category": "shirt", "color": "red", "pattern": "striped", "material": "cotton"},  # another category
    "f": {"category": "dress", "color": "blue", "pattern": "striped", "material": "satin", "occasion": "party"},
}


def values_named(text):
    return {(m.entry.family, m.entry.value) for m in default_lexicon().find(text) if m.entry.kind == "value"}


def aspects_named(text):
    return {m.entry.family for m in default_lexicon().find(text) if m.entry.kind == "aspect"}


def test_pivots_of_a_are_the_items_differing_in_exactly_one_kept_family():
    mined = mine_triplets(ATTRS, ["a"], per_reference=100, seed=0)
    pivots = {(t.target, t.family, t.value) for t in mined if t.kind == "pivot"}
    assert pivots == {("b", "color", "red"), ("c", "pattern", "floral"), ("f", "material", "satin")}


def test_pivot_text_names_the_target_value_and_no_other_value_of_that_family():
    for seed in range(5):
        for t in mine_triplets(ATTRS, per_reference=100, seed=seed):
            if t.kind == "pivot":
                named = {v for f, v in values_named(t.text) if f == t.family}
                assert named == {t.value}, t


def test_descriptors_share_category_and_the_named_familys_value():
    mined = mine_triplets(ATTRS, ["a"], per_reference=100, seed=0)
    got = {(t.target, t.family) for t in mined if t.kind == "descriptor"}
    assert got == {("c", "color"), ("f", "color"), ("b", "pattern"), ("f", "pattern"),
                   ("b", "material"), ("c", "material"), ("d", "material"), ("c", "style")}
    for t in mined:
        if t.kind == "descriptor":
            assert t.value == ATTRS["a"][t.family] and t.family in aspects_named(t.text), t


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
        for family in PIVOT_FAMILIES:
            others = [f for f in KEPT_FAMILIES if f != family]
            if a.get(family) != b.get(family) and all(a.get(f) is not None and a.get(f) == b.get(f) for f in others):
                if a.get(family) is not None and b.get(family) is not None:
                    brute.add((r, t, "pivot", family))
        for family in DESCRIPTOR_FAMILIES:
            if a.get(family) is not None and a.get(family) == b.get(family):
                brute.add((r, t, "descriptor", family))
    mined = mine_triplets(attrs, per_reference=10_000, seed=0)
    assert {(t.reference, t.target, t.kind, t.family) for t in mined} == brute
    for t in mined:
        oracle = valid_pivot_targets if t.kind == "pivot" else valid_descriptor_targets
        args = (attrs, t.reference, t.family, t.value) if t.kind == "pivot" else (attrs, t.reference, t.family)
        assert t.target in oracle(*args)


def test_cap_balance_and_determinism():
    attrs = random_attributes(60, seed=2)
    first, again = mine_triplets(attrs, per_reference=6, seed=4), mine_triplets(attrs, per_reference=6, seed=4)
    assert first == again
    assert first != mine_triplets(attrs, per_reference=6, seed=5)
    per_ref = {}
    for t in first:
        per_ref.setdefault(t.reference, []).append(t)
    assert max(map(len, per_ref.values())) == 6
    available = {}
    for t in mine_triplets(attrs, per_reference=10_000):
        available[(t.reference, t.kind)] = available.get((t.reference, t.kind), 0) + 1
    for ref, ts in per_ref.items():  # half pivots where there are enough of both kinds, else what there is
        pivots, descriptors = available.get((ref, "pivot"), 0), available.get((ref, "descriptor"), 0)
        expected = min(pivots, max(6 - descriptors, 3))
        assert sum(t.kind == "pivot" for t in ts) == expected
        assert len(ts) == min(6, pivots + descriptors)
    assert {t.family for t in first if t.kind == "pivot"} == set(PIVOT_FAMILIES)


def test_targets_are_limited_to_the_given_pool():
    mined = mine_triplets(ATTRS, ["a"], ["b", "c"], per_reference=100)
    assert {t.target for t in mined} == {"b", "c"}


def test_holdout_split_is_a_stable_tenth():
    ids = [f"p{i:06d}" for i in range(3000)]
    held = [i for i in ids if is_held_out(i)]
    assert 0.08 < len(held) / len(ids) < 0.12
    assert held[:4] == ["p000024", "p000037", "p000041", "p000045"]  # the same in every process and version
    assert set(i for i in ids if is_held_out(i, 0.2)) > set(held)


def test_bad_input_is_named():
    with pytest.raises(TripletError, match="items \\['zz'\\] have no attributes"):
        mine_triplets(ATTRS, ["zz"])
    with pytest.raises(TripletError, match="item 'x': attributes must be a family -> value mapping"):
        mine_triplets({"x": ["red"]})
    with pytest.raises(TripletError, match="per_reference must be at least 1"):
        mine_triplets(ATTRS, per_reference=0)
