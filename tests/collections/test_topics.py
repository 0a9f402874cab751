"""Topic proposal: supports, titles, ids, demand weights and head/tail, on a hand-made catalog."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import pytest

from engine.attributes.records import ItemAttribute
from engine.collections import (CollectionSettings, CollectionsError, count_supports, demand_table, label_tiers,
                                propose_topics, query_targets, title_order, topic_demand, topic_id_of, topic_title)
from engine.vocabulary import EMPTY, Vocabulary
from sample_data.workspace_vocabulary import fashion_vocabulary
from tests.collections.fixtures import QUERIES, home_attribute_list, home_vocabulary, item_attribute_list

VOCAB = fashion_vocabulary()

D, S = ("category", "dress"), ("category", "shirt")
Y, SU, PA, BL, CA = ("color", "yellow"), ("season", "summer"), ("occasion", "party"), ("color", "blue"), ("occasion", "casual")


def key(*pairs):
    return tuple(sorted(pairs))


# Counted by hand from tests/collections/fixtures.py (supports >= 3).
EXPECTED_SUPPORTS = {
    key(D, Y): 5, key(D, SU): 5, key(D, PA): 5,  # i01 i02 i03 i05 i10 / i01 i02 i03 i04 i10 / i01 i02 i04 i05 i10
    key(D, Y, SU): 4, key(D, Y, PA): 4, key(D, SU, PA): 4, key(D, Y, SU, PA): 3,
    key(S, BL): 3, key(S, SU): 3, key(S, CA): 3, key(S, SU, CA): 3,
}


def test_supports_at_least_three_match_the_hand_count():
    counts = count_supports(item_attribute_list(), "category", max_attributes=3)
    assert {k: n for k, n in counts.items() if n >= 3} == EXPECTED_SUPPORTS
    assert counts[key(D, ("color", "red"))] == 1
    assert counts[key(S, BL, SU, CA)] == 2


def test_supports_equal_a_brute_force_count_over_every_tuple():
    attrs = item_attribute_list()
    held: dict[str, set] = {}
    for a in attrs:
        held.setdefault(a.item_id, set()).add((a.family, a.value))
    pairs = sorted({(a.family, a.value) for a in attrs if a.family != "category"})
    expected = Counter()
    for category in sorted({(a.family, a.value) for a in attrs if a.family == "category"}):
        for size in (1, 2):
            for combo in combinations(pairs, size):
                if len({f for f, _ in combo}) < size:
                    continue
                n = sum(1 for h in held.values() if category in h and set(combo) <= h)
                if n:
                    expected[key(category, *combo)] = n
    assert count_supports(attrs, "category", max_attributes=2) == expected


def test_multi_valued_families_count_each_value_and_low_confidence_is_ignored():
    attrs = [ItemAttribute("a", "category", "dress", 0.9), ItemAttribute("a", "color", "red", 0.8),
             ItemAttribute("a", "color", "pink", 0.3), ItemAttribute("a", "category", "skirt", 0.2)]
    assert count_supports(attrs, "category", 1) == {key(D, ("color", "red")): 1, key(D, ("color", "pink")): 1,
                                        key(("category", "skirt"), ("color", "red")): 1,
                                        key(("category", "skirt"), ("color", "pink")): 1}
    assert count_supports(attrs, "category", 1, min_confidence=0.5) == {key(D, ("color", "red")): 1}


def test_titles_put_modifiers_in_the_vocabulary_word_order_and_the_product_type_last():
    assert title_order(VOCAB) == tuple(f for f in VOCAB.family_names if f != "category")
    assert topic_title({"category": "dress", "occasion": "party", "color": "yellow", "season": "summer"}, VOCAB) \
        == "yellow summer party dress"
    assert topic_title({"category": "t-shirt", "material": "cotton", "pattern": "striped"}, VOCAB) \
        == "striped cotton t-shirt"
    assert topic_title({"category": "hat", "brand": "acme", "color": "red"}, VOCAB) == "red acme hat"  # unknown after
    with pytest.raises(CollectionsError, match="'category'"):
        topic_title({"color": "red"}, VOCAB)
    home = home_vocabulary()  # room comes after the noun in that vocabulary; a title still ends on the noun
    assert topic_title({"item": "mug", "room": "kitchen", "material": "rattan", "color": "teal"}, home) \
        == "teal rattan kitchen mug"


def test_a_vocabulary_without_a_product_type_is_refused_with_the_fix():
    with pytest.raises(CollectionsError, match="product_type"):
        topic_title({"color": "teal"}, Vocabulary(home_vocabulary().families))
    with pytest.raises(CollectionsError, match="workbench attributes run"):
        propose_topics(home_attribute_list(), EMPTY)


def test_topic_ids_are_stable_and_order_free():
    assert topic_id_of(key(D, Y)) == topic_id_of((Y, D))
    assert topic_id_of(key(D, Y)) != topic_id_of(key(D, SU))
    # sha1("category=dress|color=yellow")[:16], fixed so that stored ids never change between versions
    import hashlib
    assert topic_id_of(key(D, Y)) == hashlib.sha1(b"category=dress|color=yellow").hexdigest()[:16]


def test_demand_counts_searches_whose_targets_include_the_topic():
    targets = query_targets([q for q, n in QUERIES.items() for _ in range(n)], VOCAB)
    # "summer party" names no category and is left out; "dress" names nothing else, so supports no topic
    assert sum(targets.values()) == 2 + 3 + 5 + 1
    assert targets[frozenset({D})] == 5
    table = demand_table(targets, "category", 3)
    expected = {key(D, Y): (2 + 3, 3), key(D, SU): (2, 0), key(D, PA): (2, 0), key(D, Y, SU): (2, 0),
                key(D, Y, PA): (2, 0), key(D, SU, PA): (2, 0), key(D, Y, SU, PA): (2, 2),
                key(S, BL): (1, 0), key(S, ("occasion", "office")): (1, 0), key(S, BL, ("occasion", "office")): (1, 1)}
    assert {tuple(sorted(k)): v for k, v in table.items()} == expected
    for attrs, value in expected.items():  # the subset table equals the brute-force definition
        assert topic_demand(attrs, targets) == value
    assert topic_demand(key(S, SU), targets) == (0, 0)


def test_tiers_head_is_the_shortest_prefix_reaching_the_share():
    demands = {"a": 50, "b": 30, "c": 15, "d": 5, "e": 0}
    assert label_tiers(demands, 0.2) == {"a": "head", "b": "tail", "c": "tail", "d": "tail", "e": "tail"}
    assert label_tiers(demands, 0.6) == {"a": "head", "b": "head", "c": "tail", "d": "tail", "e": "tail"}
    assert label_tiers(demands, 1.0) == {"a": "head", "b": "head", "c": "head", "d": "head", "e": "tail"}
    assert label_tiers(demands, 0.0) == dict.fromkeys("abcde", "tail")
    assert label_tiers({"x": 0, "y": 0}, 0.2) == {"x": "tail", "y": "tail"}  # no demand: no head


def test_propose_topics_end_to_end_on_the_hand_made_catalog():
    targets = query_targets([q for q, n in QUERIES.items() for _ in range(n)], VOCAB)
    topics = propose_topics(item_attribute_list(), VOCAB, CollectionSettings(min_confidence=0, min_support=3), targets)
    assert {t.attributes: t.support for t in topics} == EXPECTED_SUPPORTS
    first = topics[0]  # most demanded first
    assert (first.title, first.demand, first.exact_demand, first.tier) == ("yellow dress", 5, 3, "head")
    assert [t.tier for t in topics].count("head") == 1  # 5 of 18 demand mass already passes 20%
    full = next(t for t in topics if len(t.attributes) == 4)
    assert (full.title, full.support, full.demand, full.exact_demand) == ("yellow summer party dress", 3, 2, 2)
    assert all(t.judge_score is None for t in topics)
    assert [(t.demand, t.support) for t in topics] == sorted(((t.demand, t.support) for t in topics), reverse=True)
    # a higher minimum support keeps only the 5-item topics; max_attributes=1 keeps only pairs
    assert {t.title for t in propose_topics(item_attribute_list(), VOCAB, CollectionSettings(min_confidence=0, min_support=5))} \
        == {"yellow dress", "summer dress", "party dress"}
    assert all(len(t.attributes) == 2 for t in
               propose_topics(item_attribute_list(), VOCAB, CollectionSettings(min_confidence=0, min_support=3, max_attributes=1)))


def test_without_a_search_log_topics_are_weighted_by_supply():
    topics = propose_topics(item_attribute_list(), VOCAB, CollectionSettings(min_confidence=0, min_support=3, head_share=0.2))
    assert len(topics) == 11 and {t.demand for t in topics} == {0}
    assert [t.support for t in topics] == sorted(EXPECTED_SUPPORTS.values(), reverse=True)
    # supply mass 3*5 + 3*4 + 5*3 = 42; 20% of it is 8.4: the first topic (0 before it) and the second
    # (5 before it) are head, the third (10 before it) is not. Ties by topic id.
    fives = sorted(topic_id_of(k) for k, n in EXPECTED_SUPPORTS.items() if n == 5)
    assert {t.topic_id for t in topics if t.tier == "head"} == set(fives[:2])
    # an empty search log is still a log: weighted by (zero) demand, so nothing is head
    empty = propose_topics(item_attribute_list(), VOCAB, CollectionSettings(min_confidence=0, min_support=3), query_targets([], VOCAB))
    assert {t.tier for t in empty} == {"tail"}


def test_a_catalog_of_another_domain_makes_topics_in_its_own_words():
    home = home_vocabulary()
    topics = propose_topics(home_attribute_list(), home, CollectionSettings(min_support=2, max_attributes=2))
    by_title = {t.title: t for t in topics}
    # counted by hand from HOME_ITEMS: h1-h3 teal mugs, h1 h2 h4 ceramic mugs, h6 h7 white rattan vases...
    assert by_title["teal mug"].support == 3 and by_title["ceramic kitchen mug"].support == 3
    assert by_title["white rattan vase"].support == 2 and by_title["rattan bedroom vase"].support == 3
    assert all(dict(t.attributes).get("item") for t in topics)
    assert "lamp" not in " ".join(by_title)  # one lamp: below min_support
    assert topics[0].support == max(t.support for t in topics) and topics[0].tier == "head"


def test_a_judge_filters_and_scores_topics():
    seen = []

    def judge(attributes, title):
        seen.append((dict(attributes), title))
        return 0.1 if "party" in title else 0.9

    topics = propose_topics(item_attribute_list(), VOCAB, CollectionSettings(min_confidence=0, min_support=3), judge=judge)
    assert len(seen) == 11 and ({"category": "dress", "color": "yellow"}, "yellow dress") in seen
    assert {t.title for t in topics} == {"yellow dress", "summer dress", "yellow summer dress", "blue shirt",
                                         "summer shirt", "casual shirt", "summer casual shirt"}
    assert {t.judge_score for t in topics} == {0.9}
    with pytest.raises(CollectionsError, match="number in 0..1"):
        propose_topics(item_attribute_list(), VOCAB, CollectionSettings(min_confidence=0, min_support=3), judge=lambda a, t: 2.0)


def test_empty_input_gives_no_topics_and_bad_settings_are_named():
    assert propose_topics([], VOCAB) == []
    with pytest.raises(CollectionsError, match="min_support=0"):
        CollectionSettings(min_support=0)
    with pytest.raises(CollectionsError, match="max_attributes=4"):
        CollectionSettings(max_attributes=4)
    with pytest.raises(CollectionsError, match="ItemAttribute"):
        propose_topics([{"item_id": "a"}], VOCAB)
