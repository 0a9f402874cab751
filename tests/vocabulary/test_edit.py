"""Vocabulary edits: pure functions returning a new, checked vocabulary; each lists the stages to refresh."""

import pytest

from engine.vocabulary import (REFRESH_COMMANDS, AttributeFamily, AttributeValue, Vocabulary, VocabularyError, add_form,
                               apply_edit, drop_value, merge_value, refresh_after_edit, rename_value)


def family(name, values, **kw):
    return AttributeFamily(name, tuple(AttributeValue(v, tuple(f)) for v, f in values), **kw)


VOCAB = Vocabulary((family("color", [("sage", ["sage green"]), ("green", []), ("teal", ["turquoise"])], visible=True),
                    family("room", [("kitchen", []), ("bedroom", ["bed room"])])), product_type=None)


def test_merge_moves_the_value_and_its_forms_into_the_target():
    after = merge_value(VOCAB, "color", "sage", "green")
    assert after.family("color").values == (AttributeValue("green", ("sage", "sage green")),
                                            AttributeValue("teal", ("turquoise",)))
    assert after.canonical("color", "sage green") == "green" and VOCAB.canonical("color", "sage") == "sage"
    assert merge_value(VOCAB, "color", "sage green", "teal").family("color").value("teal").forms == (
        "turquoise", "sage", "sage green")  # a surface form names its value


def test_rename_keeps_the_old_name_as_a_form():
    after = rename_value(VOCAB, "room", "bedroom", "bed room")  # a form becomes the name
    assert after.family("room").value("bed room") == AttributeValue("bed room", ("bedroom",))
    assert after.family("room").names == ("kitchen", "bed room")  # order kept


def test_drop_removes_the_value_and_its_forms():
    after = drop_value(VOCAB, "color", "teal")
    assert after.family("color").names == ("sage", "green") and after.canonical("color", "turquoise") is None
    with pytest.raises(VocabularyError, match="left with one value"):
        drop_value(VOCAB, "room", "kitchen")


def test_add_form():
    after = add_form(VOCAB, "color", "teal", "Aqua")
    assert after.canonical("color", "aqua") == "teal"
    with pytest.raises(VocabularyError, match="already a surface form"):
        add_form(VOCAB, "color", "teal", "turquoise")


def test_a_form_in_two_families_is_an_error_naming_both():
    with pytest.raises(VocabularyError, match=r"both color = 'green' and room = 'kitchen'|both room = 'kitchen'"):
        add_form(VOCAB, "room", "kitchen", "green")


@pytest.mark.parametrize("edit,args,message", [
    ("merge", ("color", "mauve", "green"), "no value 'mauve'"),
    ("merge", ("color", "sage", "sage"), "into itself"),
    ("rename", ("size", "s", "small"), "unknown attribute family 'size'"),
    ("rename", ("color", "teal", "green"), "lists value 'green' twice"),
    ("drop", ("color",), "takes FAMILY and 1 more"),
    ("recolor", ("color", "x"), "unknown edit 'recolor'; known edits are merge, rename, drop, add-form"),
])
def test_bad_edits_say_what_is_wrong(edit, args, message):
    with pytest.raises(VocabularyError, match=message):
        apply_edit(VOCAB, edit, *args)


def test_every_edit_lists_every_stage_to_refresh():
    assert refresh_after_edit(VOCAB, VOCAB) == []
    after = apply_edit(VOCAB, "add-form", "color", "teal", "aqua")
    assert refresh_after_edit(VOCAB, after) == [(s, c) for s, c in REFRESH_COMMANDS.items() if s != "index"]
    assert after.hash != VOCAB.hash
