"""Feed construction: the SQL on DuckDB equals the brute-force oracle equals hand-checked feeds."""

from __future__ import annotations

import random

import pytest

from engine.attributes.records import ItemAttribute
from engine.collections import CollectionSettings, Topic, build_feeds_sql, feeds_oracle, topic_id_of
from tests.collections.fixtures import home_attribute_list, item_attribute_list


def topic(**attributes) -> Topic:
    attrs = tuple(sorted(attributes.items()))
    return Topic(topic_id_of(attrs), "", attrs, 0, 0, 0, "tail")


FULL = topic(category="dress", color="yellow", season="summer", occasion="party")
YELLOW = topic(category="dress", color="yellow")
BLUE_SHIRT = topic(category="shirt", color="blue")


def feeds(topics, settings, attributes=None, product_type="category"):
    attributes = item_attribute_list() if attributes is None else attributes
    sql = build_feeds_sql(topics, attributes, product_type, settings)
    oracle = feeds_oracle(topics, attributes, product_type, settings)
    assert [(f.topic_id, f.rank, f.item_id) for f in sql] == [(f.topic_id, f.rank, f.item_id) for f in oracle]
    assert [f.score for f in sql] == pytest.approx([f.score for f in oracle])
    return {t: [(f.item_id, round(f.score, 6)) for f in sql if f.topic_id == t] for t in {f.topic_id for f in sql}}


def test_scores_are_confidence_sums_and_ties_break_by_item_id():
    # Shared attributes, category included: i01, i02 share all 4 (1+1+1+1); i10 all 4 with color at 0.6;
    # i03 (yellow, summer), i04 (summer, party), i05 (yellow, party) share 3; i12 shares only the category.
    got = feeds([FULL], CollectionSettings(feed_size=50, min_overlap=1, min_confidence=0))[FULL.topic_id]
    assert got == [("i01", 4.0), ("i02", 4.0), ("i10", 3.6), ("i03", 3.0), ("i04", 3.0), ("i05", 3.0)]
    got = feeds([YELLOW], CollectionSettings(min_overlap=1, min_confidence=0))[YELLOW.topic_id]
    assert got == [("i01", 2.0), ("i02", 2.0), ("i03", 2.0), ("i05", 2.0), ("i10", 1.6)]


def test_feed_size_keeps_the_top_n_per_topic():
    got = feeds([FULL, YELLOW], CollectionSettings(feed_size=3, min_confidence=0))
    assert [i for i, _ in got[FULL.topic_id]] == ["i01", "i02", "i10"]
    assert [i for i, _ in got[YELLOW.topic_id]] == ["i01", "i02", "i03"]
    ranks = [f.rank for f in build_feeds_sql([FULL], item_attribute_list(), "category", CollectionSettings(feed_size=3, min_confidence=0))]
    assert ranks == [1, 2, 3]


def test_min_overlap_prunes_partial_matches_and_is_capped_at_the_topic_size():
    assert [i for i, _ in feeds([FULL], CollectionSettings(min_overlap=3, min_confidence=0))[FULL.topic_id]] == ["i01", "i02", "i10"]
    assert len(feeds([FULL], CollectionSettings(min_overlap=2, min_confidence=0))[FULL.topic_id]) == 6
    # a one-attribute topic needs its one attribute whatever min_overlap says
    assert [i for i, _ in feeds([BLUE_SHIRT], CollectionSettings(min_overlap=3))[BLUE_SHIRT.topic_id]] \
        == ["i07", "i08", "i09"]


def test_by_default_a_feed_holds_the_items_carrying_every_attribute_confidently():
    # i03-i05 miss one of FULL's attributes; i10's yellow is only 0.6 confident (the default floor is 0.85)
    assert feeds([FULL], CollectionSettings())[FULL.topic_id] == [("i01", 4.0), ("i02", 4.0)]


def test_category_partitioning_keeps_other_categories_out():
    # i06 is a yellow summer shirt: it shares two attributes with FULL but not the category
    got = feeds([FULL, BLUE_SHIRT], CollectionSettings())
    assert "i06" not in {i for i, _ in got[FULL.topic_id]}
    assert {i for i, _ in got[BLUE_SHIRT.topic_id]} == {"i07", "i08", "i09"}


def test_duplicate_attributes_count_once_at_their_highest_confidence():
    extra = [ItemAttribute("i10", "color", "yellow", 0.2), ItemAttribute("i10", "color", "yellow", 0.8)]
    got = feeds([YELLOW], CollectionSettings(min_confidence=0), item_attribute_list() + extra)[YELLOW.topic_id]
    assert got[-1] == ("i10", 1.8)


def test_min_confidence_drops_weak_attributes_from_feeds():
    got = feeds([YELLOW], CollectionSettings(min_confidence=0.7))[YELLOW.topic_id]
    assert [i for i, _ in got] == ["i01", "i02", "i03", "i05"]


def test_empty_inputs_give_empty_feeds():
    assert build_feeds_sql([], item_attribute_list(), "category") == [] \
        == feeds_oracle([], item_attribute_list(), "category")
    assert build_feeds_sql([FULL], [], "category") == [] == feeds_oracle([FULL], [], "category")
    assert feeds([topic(category="hat", color="red")], CollectionSettings()) == {}


def test_sql_equals_the_oracle_on_random_multi_valued_tags():
    rng = random.Random(11)
    values = {"category": ["dress", "skirt", "hat"], "color": ["red", "blue", "green"],
              "season": ["summer", "winter"], "occasion": ["party", "office"]}
    attributes = []
    for n in range(80):
        for family, options in values.items():
            for value in rng.sample(options, rng.choice([0, 1, 1, 2])):
                # confidences on a 0.05 grid make exact ties frequent, so tie-breaking is exercised
                attributes.append(ItemAttribute(f"x{n:03d}", family, value, rng.randint(1, 20) / 20))
    topics = [topic(category=c, color=k) for c in values["category"] for k in values["color"]]
    topics += [topic(category=c, color=k, season=s, occasion=o) for c in values["category"]
               for k in values["color"] for s in values["season"] for o in values["occasion"]]
    for settings in (CollectionSettings(feed_size=7, min_overlap=1), CollectionSettings(feed_size=5, min_overlap=2),
                     CollectionSettings(feed_size=50, min_overlap=3, min_confidence=0.3)):
        got = feeds(topics, settings, attributes)
        assert got and max(len(v) for v in got.values()) <= settings.feed_size


def test_the_product_type_family_partitions_feeds_in_another_domain():
    # the home fixture's product type is "item": a teal vase (h5) shares color with TEAL_MUG but is no mug
    teal_mug = topic(item="mug", color="teal")
    got = feeds([teal_mug], CollectionSettings(), home_attribute_list(), product_type="item")[teal_mug.topic_id]
    assert got == [("h1", 2.0), ("h2", 2.0), ("h3", 2.0)]
