"""Which query texts a config embeds, listed before the CGs run (engine/pipeline/query_vectors.py)."""

from __future__ import annotations

from engine.pipeline.config import load_config
from engine.pipeline.query_vectors import feature_texts, generator_texts, query_texts
from engine.records import Query, UnderstoodQuery

PIVOT = UnderstoodQuery(Query(text="in red", item_id="i1"), "pivot", {"color": "red"},
                        {"color": "blue", "pattern": "striped"}, {"color": 0.9, "pattern": 0.2},
                        "red striped shirt")
TEXT_ONLY = UnderstoodQuery(Query(text="red dress"), "text", {"color": "red"}, {}, {}, "red dress")


def test_full_embeds_four_texts_for_a_pivot_each_once():
    keys = query_texts(load_config("full"), PIVOT, has_reference=True)
    # the learned relevance reads the user's text with the reference's confident reading (0.9 >= threshold)
    assert keys == [("minilm", "red striped shirt"), ("clip", "red striped shirt"), ("clip", "in red"),
                    ("minilm", "in red | reference: blue")]


def test_a_text_only_query_embeds_its_text_once_per_model():
    assert query_texts(load_config("full"), TEXT_ONLY, has_reference=False) == [("minilm", "red dress"),
                                                                               ("clip", "red dress")]
    assert query_texts(load_config("baseline"), TEXT_ONLY, has_reference=False) == [("minilm", "red dress"),
                                                                                   ("clip", "red dress")]


def test_early_fusion_needs_a_reference_and_lexical_no_embedding():
    assert generator_texts("early_fusion", {}, PIVOT, has_reference=False) == []
    assert generator_texts("early_fusion", {}, PIVOT, has_reference=True) == [("clip", "in red")]
    assert generator_texts("lexical", {"use_enriched": True}, PIVOT, has_reference=True) == []
    assert generator_texts("text", {"use_enriched": False}, PIVOT, True) == [("minilm", "in red")]


def test_with_a_reference_and_no_clip_scorer_the_features_read_minilm_only():
    assert feature_texts(PIVOT, "attribute_agreement", "coec", has_reference=True) == [("minilm", "red striped shirt")]
    assert feature_texts(PIVOT, "text_similarity", "coec", has_reference=True) == [
        ("minilm", "red striped shirt"), ("clip", "red striped shirt")]
