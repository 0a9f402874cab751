"""The search context reads the workspace's vocabulary and says when the index was read with another one."""

import dataclasses

from engine.vocabulary import EMPTY, AttributeFamily, AttributeValue, Vocabulary


def test_the_index_and_the_vocabulary_agree_on_a_fresh_workspace(search_context):
    assert search_context.vocabulary.product_type == "category"
    assert search_context.vocabulary_warnings() == []


def test_a_changed_vocabulary_names_the_stale_index_and_the_command(search_context):
    other = Vocabulary((AttributeFamily("room", (AttributeValue("bedroom"), AttributeValue("kitchen"))),))
    context = dataclasses.replace(search_context, vocabulary=other, cache={})
    [warning] = context.vocabulary_warnings()
    assert warning.startswith("index was made with vocabulary ") and "`workbench index`" in warning
    assert context.lexicon.lookup("bedroom").family == "room"


def test_no_vocabulary_says_attributes_are_unknown_and_how_to_add_them(search_context):
    context = dataclasses.replace(search_context, vocabulary=EMPTY, cache={})
    [warning] = context.vocabulary_warnings()
    assert "no attribute vocabulary yet" in warning and "workbench attributes run --input" in warning


def test_with_no_vocabulary_search_still_works_on_embeddings(search_context):
    from engine.pipeline.config import load_config
    from engine.pipeline.search import search
    from engine.records import Query

    context = dataclasses.replace(search_context, vocabulary=EMPTY, cache={})
    item = next(i for i, row in context.items.items() if row.get("kind", "product") == "product")
    response = search(context, Query(text="in red", item_id=item), load_config("baseline"), k=5)
    assert len(response.results) == 5
    assert response.understood.target_attributes == {} and response.understood.reference_attributes == {}

