"""The Vocabulary record and its file: checks, round trip, hash, errors that name the line and the fix."""

from __future__ import annotations

import pytest

from engine.vocabulary import (
    EMPTY,
    AttributeFamily,
    AttributeValue,
    Vocabulary,
    VocabularyError,
    dump_vocabulary,
    load_workspace_vocabulary,
    parse_vocabulary,
    read_vocabulary_file,
    save_workspace_vocabulary,
    stale_stages,
)
from sample_data.workspace_vocabulary import fashion_vocabulary

HOME = """\
product_type = "item"

[families.color]
visible = true
aspects = ["palette", "tone"]

[families.color.values]
terracotta = ["terra cotta", "terra-cotta"]
"crème" = ["creme", "cream"]
teal = []

[families.item]
visible = true
pivot = "as a {}"

[families.item.values]
mug = ["cup"]
vase = []

[families.room]
pivot = "for the {}"
aspects = ["which room"]

[families.room.values]
bedroom = ["bed room"]
kitchen = []
"""


def test_a_written_file_parses_back_to_the_same_vocabulary():
    vocab = parse_vocabulary(HOME, "home.toml")
    assert vocab.family_names == ("color", "item", "room")
    assert vocab.product_type == "item" and vocab.visible_families == ("color", "item")
    assert vocab.family("room").pivot == "for the {}" and vocab.family("color").pivot == "in {}"
    again = parse_vocabulary(dump_vocabulary(vocab), "again.toml")
    assert again == vocab and again.hash == vocab.hash


def test_non_ascii_values_and_forms_are_kept_and_matched_case_blind():
    vocab = parse_vocabulary(HOME)
    assert vocab.canonical("color", "CRÈME") == "crème"
    assert vocab.canonical("color", "Terra  Cotta") == "terracotta"
    assert vocab.canonical("color", "magenta") is None
    with pytest.raises(VocabularyError, match="unknown attribute family 'colour'; this workspace's families are"):
        vocab.canonical("colour", "red")


def test_the_hash_follows_content_not_provenance():
    vocab = parse_vocabulary(HOME)
    assert Vocabulary(vocab.families, vocab.product_type, source="elsewhere").hash == vocab.hash
    changed = parse_vocabulary(HOME.replace('teal = []', 'teal = ["aqua"]'))
    assert changed.hash != vocab.hash


@pytest.mark.parametrize(("text", "message"), [
    ('[families.color\nvalues = 1', r"home.toml: not valid TOML: .*line 1.*Fix that line"),
    (HOME.replace('"bed room"', '"cup"'), r"surface form 'cup' belongs to both item = 'mug' and room = 'bedroom'"),
    (HOME.replace('kitchen = []\n', ''), r"family 'room' has 1 value\(s\) \(bedroom\); a family needs at least two"),
    (HOME.replace('product_type = "item"', 'product_type = "category"'), r"product_type = 'category' is not one of"),
    (HOME.replace('pivot = "for the {}"', 'pivot = "for the"'), r"has no \{\} for the value"),
    (HOME.replace('visible = true\naspects', 'visible = "yes"\naspects'), r"family 'color' \(line 3\): visible must be"),
    (HOME.replace('aspects = ["which room"]', 'aspects = ["palette"]'), r"aspect word 'palette' names both"),
    (HOME.replace('teal = []', 'teal = 3'), r"value 'teal' must be a list of strings"),
    (HOME + "\n[families.size]\nvalue = []\n", r"unknown key\(s\) value; known keys are"),
])
def test_bad_files_name_the_problem_and_the_fix(text, message):
    with pytest.raises(VocabularyError, match=message):
        parse_vocabulary(text, "home.toml")


def test_a_file_that_is_not_utf8_is_named(tmp_path):
    path = tmp_path / "vocabulary.toml"
    path.write_bytes(HOME.replace("crème", "cr\xe8me").encode("latin-1"))
    with pytest.raises(VocabularyError, match=rf"{path}: not UTF-8 .*save the file as UTF-8"):
        read_vocabulary_file(path)


def test_the_workspace_file_is_saved_atomically_and_reread_when_it_changes(tmp_path):
    assert load_workspace_vocabulary(tmp_path) is EMPTY and EMPTY.is_empty()
    vocab = parse_vocabulary(HOME)
    save_workspace_vocabulary(tmp_path, vocab)
    assert load_workspace_vocabulary(tmp_path) == vocab
    edited = parse_vocabulary(HOME.replace("teal = []", "teal = [\"aqua\"]"))
    save_workspace_vocabulary(tmp_path, edited)
    assert load_workspace_vocabulary(tmp_path).hash == edited.hash
    assert [p.name for p in tmp_path.iterdir()] == ["vocabulary.toml"]  # no temporary file left


def test_stale_stages_name_the_command_that_refreshes_them():
    vocab = parse_vocabulary(HOME)
    stale = stale_stages(vocab, {"index": vocab.hash, "collections": "0123", "tagger": None})
    assert [(s.stage, s.command) for s in stale] == [("collections", "workbench collections build"),
                                                     ("tagger", "workbench attributes tag")]
    assert "refresh it with `workbench collections build`" in stale[0].message(vocab.hash)


def test_records_refuse_a_repeated_family_or_value():
    color = AttributeFamily("color", (AttributeValue("red"), AttributeValue("blue")))
    with pytest.raises(VocabularyError, match="family 'color' appears twice"):
        Vocabulary((color, color))
    with pytest.raises(VocabularyError, match="lists value 'Red' twice"):
        Vocabulary((AttributeFamily("color", (AttributeValue("red"), AttributeValue("Red"))),))


def test_the_fashion_sample_is_one_vocabulary_among_others():
    vocab = fashion_vocabulary()
    assert vocab.family_names == ("color", "pattern", "material", "category", "style", "season", "occasion")
    assert vocab.product_type == "category"
    assert vocab.visible_families == ("color", "pattern", "material", "category")
    assert vocab.canonical("color", "crimson") == "red" and vocab.canonical("category", "wrap") is None
    assert parse_vocabulary(dump_vocabulary(vocab)) == vocab
