"""Lexicon: vocabulary plus extra forms, longest phrase first, word boundaries, category plurals."""

from __future__ import annotations

import tomllib

import pytest

from engine.query import Entry, Lexicon, LexiconError, default_lexicon, plural
from engine.query.lexicon import SURFACE_FORMS_PATH
from sample_data.vocabulary import load_vocabulary, parse_vocabulary

TINY = parse_vocabulary(
    {
        "families": {
            "category": {"values": [{"name": "dress", "weight": 1}, {"name": "t-shirt", "weight": 1, "synonyms": ["t-shirt", "tee"]},
                                    {"name": "shirt", "weight": 1}, {"name": "jeans", "weight": 1}]},
            "color": {"values": [{"name": "blue", "weight": 1}, {"name": "navy", "weight": 1, "synonyms": ["navy", "navy blue"]}]},
        }
    }
)


def found(lexicon: Lexicon, text: str) -> list[tuple[str, str | None, str | None]]:
    return [(m.surface, m.entry.family, m.entry.value) for m in lexicon.find(text)]


def test_longest_phrase_first_and_hyphens():
    lexicon = Lexicon.from_tables(TINY, {})
    assert found(lexicon, "navy blue t-shirt") == [("navy blue", "color", "navy"), ("t-shirt", "category", "t-shirt")]
    assert found(lexicon, "blue shirt") == [("blue", "color", "blue"), ("shirt", "category", "shirt")]


def test_case_insensitive_on_word_boundaries_with_flexible_spaces():
    lexicon = Lexicon.from_tables(TINY, {})
    assert found(lexicon, "NAVY  Blue DRESS") == [("NAVY  Blue", "color", "navy"), ("DRESS", "category", "dress")]
    assert found(lexicon, "blueish shirtdress redress") == []
    assert found(lexicon, "blue-and-navy") == [("blue", "color", "blue"), ("navy", "color", "navy")]


def test_category_plurals():
    lexicon = Lexicon.from_tables(TINY, {})
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
    assert default_lexicon().lookup(phrase) == Entry("value", family, value)


def test_aspects_and_cues():
    lexicon = default_lexicon()
    assert lexicon.lookup("colour palette") == Entry("aspect", "color")
    assert lexicon.lookup("vibe") == Entry("aspect", "style")
    assert lexicon.lookup("texture") == Entry("aspect", "material")
    assert lexicon.lookup("like this") == Entry("descriptor")
    assert lexicon.lookup("without") == Entry("negation")


def test_dropped_forms_are_gone():
    assert default_lexicon().lookup("wrap") is None
    assert [m.entry.value for m in default_lexicon().find("wrap dress")] == ["dress"]


def test_every_vocabulary_value_is_found_by_its_name():
    vocab = load_vocabulary()
    lexicon = default_lexicon()
    for family in vocab.families.values():
        for value in family.values:
            assert lexicon.lookup(value.name) == Entry("value", family.name, value.name)


def test_extra_forms_never_hide_a_value_of_another_family():
    # "leather jacket" as a jacket form would swallow the material; the TOML must not do that
    lexicon = default_lexicon()
    with open(SURFACE_FORMS_PATH, "rb") as fh:
        forms = tomllib.load(fh)["forms"]
    for family, values in forms.items():
        for form_list in values.values():
            for form in form_list:
                for word in form.replace("-", " ").split():
                    entry = lexicon.lookup(word)
                    assert entry is None or entry.kind != "value" or entry.family == family, (form, word, entry)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"forms": {"colour": {"red": ["rouge"]}}}, "unknown family"),
        ({"forms": {"color": {"teal": ["aqua"]}}}, "unknown value 'teal'; known values are blue, navy"),
        ({"forms": {"color": {"blue": ["dress"]}}}, "already means"),
        ({"aspects": {"colour": ["palette"]}}, "known families are category, color"),
        ({"cues": {"maybe": ["perhaps"]}}, "known kinds are descriptor, change, negation"),
    ],
)
def test_bad_tables_are_refused_with_the_fix(data, message):
    with pytest.raises(LexiconError, match=message):
        Lexicon.from_tables(TINY, data)


def test_extra_forms_and_drop():
    lexicon = Lexicon.from_tables(TINY, {"forms": {"color": {"blue": ["cobalt"]}}, "drop": ["tee"]})
    assert lexicon.lookup("cobalt") == Entry("value", "color", "blue")
    assert lexicon.lookup("tee") is None and lexicon.lookup("tees") is None


def test_empty_lexicon_finds_nothing():
    assert Lexicon({}, ()).find("red") == ()
