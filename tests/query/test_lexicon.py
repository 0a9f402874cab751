"""Lexicon: a workspace vocabulary's forms and aspects plus the cues, longest phrase first, product-type plurals."""

from __future__ import annotations

import pytest

from engine.query import Entry, Lexicon, LexiconError, plural
from engine.vocabulary import AttributeFamily, AttributeValue, Vocabulary
from sample_data.workspace_vocabulary import fashion_vocabulary
from tests.vocab import fashion_lexicon

TINY = Vocabulary((
    AttributeFamily("category", (AttributeValue("dress"), AttributeValue("t-shirt", ("tee",)), AttributeValue("shirt"),
                                 AttributeValue("jeans"))),
    AttributeFamily("color", (AttributeValue("blue"), AttributeValue("navy", ("navy blue",))), aspects=("palette",)),
), product_type="category")


def found(lexicon: Lexicon, text: str) -> list[tuple[str, str | None, str | None]]:
    return [(m.surface, m.entry.family, m.entry.value) for m in lexicon.find(text)]


def test_longest_phrase_first_and_hyphens():
    lexicon = Lexicon.from_vocabulary(TINY)
    assert found(lexicon, "navy blue t-shirt") == [("navy blue", "color", "navy"), ("t-shirt", "category", "t-shirt")]
    assert found(lexicon, "blue shirt") == [("blue", "color", "blue"), ("shirt", "category", "shirt")]


def test_case_insensitive_on_word_boundaries_with_flexible_spaces():
    lexicon = Lexicon.from_vocabulary(TINY)
    assert found(lexicon, "NAVY  Blue DRESS") == [("NAVY  Blue", "color", "navy"), ("DRESS", "category", "dress")]
    assert found(lexicon, "blueish shirtdress redress") == []
    assert found(lexicon, "blue-and-navy") == [("blue", "color", "blue"), ("navy", "color", "navy")]


def test_category_plurals():
    lexicon = Lexicon.from_vocabulary(TINY)
    assert [m.entry.value for m in lexicon.find("dresses tees shirts jeans t-shirts")] == ["dress", "t-shirt", "shirt", "jeans", "t-shirt"]
    assert lexicon.lookup("jeanses") is None


@pytest.mark.parametrize(
    ("word", "expected"),
    [("dress", "dresses"), ("scarf", "scarves"), ("jeans", "jeans"), ("tote", "totes"), ("button-up shirt", "button-up shirts"),
     ("watch", "watches"), ("body", "bodies"), ("day", "days")],
)
def test_plural(word, expected):
    assert plural(word) == expected


@pytest.mark.parametrize(
    ("phrase", "family", "value"),
    [("stripes", "pattern", "striped"), ("stripy", "pattern", "striped"), ("dots", "pattern", "polka dot"),
     ("polka dots", "pattern", "polka dot"), ("flowers", "pattern", "floral"), ("flowery", "pattern", "floral"),
     ("checked", "pattern", "plaid"), ("tartan", "pattern", "plaid"), ("crimson", "color", "red"), ("scarlet", "color", "red"),
     ("Dresses", "category", "dress"), ("sneaker", "category", "sneakers"), ("scarves", "category", "scarf"),
     ("grey", "color", "gray"), ("silk", "material", "satin")],
)
def test_default_lexicon_surface_forms(phrase, family, value):
    assert fashion_lexicon().lookup(phrase) == Entry("value", family, value)


def test_aspects_and_cues():
    lexicon = fashion_lexicon()
    assert lexicon.lookup("colour palette") == Entry("aspect", "color")
    assert lexicon.lookup("vibe") == Entry("aspect", "style")
    assert lexicon.lookup("texture") == Entry("aspect", "material")
    assert lexicon.lookup("like this") == Entry("descriptor")
    assert lexicon.lookup("without") == Entry("negation")


def test_dropped_forms_are_gone():
    assert fashion_lexicon().lookup("wrap") is None
    assert [m.entry.value for m in fashion_lexicon().find("wrap dress")] == ["dress"]


def test_every_vocabulary_value_is_found_by_its_name():
    lexicon = fashion_lexicon()
    for family in fashion_vocabulary().families:
        for value in family.values:
            assert lexicon.lookup(value.name) == Entry("value", family.name, value.name)


def test_query_forms_never_hide_a_value_of_another_family():
    # "leather jacket" as a jacket form would swallow the material; the sample's query forms must not do that
    import tomllib

    from sample_data.workspace_vocabulary import QUERY_FORMS_PATH

    lexicon = fashion_lexicon()
    with open(QUERY_FORMS_PATH, "rb") as fh:
        forms = tomllib.load(fh)["forms"]
    for family in fashion_vocabulary().families:
        for value in family.values:
            for form in forms.get(family.name, {}).get(value.name, ()):
                for word in form.replace("-", " ").split():
                    entry = lexicon.lookup(word)
                    assert entry is None or entry.kind != "value" or entry.family == family.name, (form, word, entry)


def test_unknown_cue_kind_is_refused_with_the_fix(tmp_path):
    cues = tmp_path / "cues.toml"
    cues.write_text('[cues]\nmaybe = ["perhaps"]\n')
    with pytest.raises(LexiconError, match="known kinds are descriptor, change, negation"):
        Lexicon.from_vocabulary(TINY, cues)


def test_a_value_form_wins_over_a_cue_of_the_same_words():
    vocab = Vocabulary((AttributeFamily("finish", (AttributeValue("matte"), AttributeValue("other"))),))
    assert Lexicon.from_vocabulary(vocab).lookup("other") == Entry("value", "finish", "other")
    assert Lexicon.from_vocabulary(TINY).lookup("other") == Entry("change")


def test_plurals_only_for_the_product_type():
    lexicon = Lexicon.from_vocabulary(TINY)
    assert lexicon.lookup("tees") == Entry("value", "category", "t-shirt")
    assert lexicon.lookup("blues") is None
    assert lexicon.lookup("palette") == Entry("aspect", "color")


def test_a_domain_the_sample_never_had():
    vocab = Vocabulary((
        AttributeFamily("material", (AttributeValue("marble"), AttributeValue("rattan", ("wicker",)))),
        AttributeFamily("item", (AttributeValue("mug"), AttributeValue("vase"))),
        AttributeFamily("room", (AttributeValue("bedroom"), AttributeValue("kitchen")), aspects=("which room",)),
    ), product_type="item")
    lexicon = Lexicon.from_vocabulary(vocab)
    assert [(m.entry.family, m.entry.value) for m in lexicon.find("wicker mugs for the bedroom")] == [
        ("material", "rattan"), ("item", "mug"), ("room", "bedroom")]


def test_empty_lexicon_finds_nothing():
    assert Lexicon({}, ()).find("red") == ()
