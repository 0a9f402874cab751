"""The understanding rule (engine/query/understand.py) on hand-checked cases."""

import pytest

from engine.query import parse_query_text
from sample_data.workspace_vocabulary import fashion_vocabulary
from tests.vocab import fashion_lexicon
from engine.query.understand import READ_THRESHOLD, QueryError, check_query, understood_query
from engine.records import Query

SHIRT = {"category": ("shirt", 0.98), "color": ("blue", 0.95), "pattern": ("striped", 0.9),
         "material": ("linen", READ_THRESHOLD - 0.01)}  # material read too unsure to search for


def understand(text, reading=SHIRT, item="p1", **query):
    q = Query(text=text, item_id=item, **query)
    parsed = parse_query_text(text, fashion_lexicon()) if text.strip() else None
    return understood_query(q, parsed, reading, vocabulary=fashion_vocabulary())


def test_a_pivot_changes_one_aspect_of_this_thing():
    u = understand("in red")
    assert u.mode == "pivot"
    assert u.target_attributes == {"category": "shirt", "color": "red"}
    assert u.enriched_text == "red striped shirt"  # the unsure material is left out
    assert u.reference_attributes["material"] == "linen"  # but reported, with its confidence
    assert u.reference_confidence["material"] == pytest.approx(READ_THRESHOLD - 0.01)


def test_a_pivot_that_names_a_category_replaces_it_and_an_exclusion_drops_a_value():
    assert understand("as a dress").target_attributes == {"category": "dress"}
    u = understand("without stripes")
    assert u.mode == "pivot" and u.enriched_text == "blue shirt"


def test_a_change_cue_without_a_value_drops_that_aspect():
    u = understand("in a different color")
    assert u.mode == "pivot"
    assert u.enriched_text == "striped shirt"
    assert u.target_attributes == {"category": "shirt"}


def test_a_descriptor_keeps_the_described_aspects_of_this_thing():
    u = understand("the color palette")
    assert (u.mode, u.target_attributes, u.enriched_text) == ("descriptor", {"category": "shirt", "color": "blue"},
                                                              "blue shirt")
    overall = understand("similar")
    assert overall.mode == "descriptor" and overall.target_attributes == {"category": "shirt"}


def test_text_only_image_only_and_free_text():
    u = understand("red floral dress", reading={}, item=None)
    assert (u.mode, u.enriched_text) == ("text", "red floral dress")
    assert u.target_attributes == {"color": "red", "pattern": "floral", "category": "dress"}
    image = understand("")
    assert (image.mode, image.target_attributes, image.enriched_text) == ("image", {"category": "shirt"},
                                                                          "blue striped shirt")
    free = understand("for my brother")
    assert free.mode == "descriptor" and free.enriched_text == "blue striped shirt for my brother"


def test_queries_that_cannot_be_searched_say_how_to_fix_them():
    with pytest.raises(QueryError, match="empty query"):
        check_query(Query(text="   "))
    with pytest.raises(QueryError, match="not both"):
        check_query(Query(text="x", item_id="a", image_path="/tmp/a.jpg"))
    with pytest.raises(QueryError, match="crop needs a reference"):
        check_query(Query(text="x", crop=(0, 0, 1, 1)))
    with pytest.raises(QueryError, match="four numbers"):
        check_query(Query(item_id="a", crop=(0, 0, 1)))
