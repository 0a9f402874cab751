"""The tagger reads the workspace vocabulary: its families and values, its product type, its hash."""

import pytest

from engine.attributes.records import ItemAttribute
from engine.attributes.tagger_checkpoint import read_tagger_meta, recorded_vocabulary_hash, workspace_checkpoint
from engine.attributes.tagger_run import assign_tagger, run_tagger
from engine.attributes.tagger_vocabulary import settings_for, tagger_vocabulary
from engine.models.errors import ModelMismatchError
from engine.vocabulary import merge_value
from tests.attributes.test_tagger_world import SMALL, make_workspace, positives, workspace_vocabulary, world
from tests.fakes import FakeText

HOME = {"color": ["teal", "sage", "green"], "kind": ["mug", "vase"]}


def test_positives_are_mapped_through_the_edited_vocabulary():
    vocab = merge_value(workspace_vocabulary(HOME, product_type="kind"), "color", "sage", "green")
    got = tagger_vocabulary(vocab, [ItemAttribute("a", "color", "sage", 1.0), ItemAttribute("a", "color", "green", 1.0),
                                    ItemAttribute("b", "kind", "mug", 1.0), ItemAttribute("b", "room", "kitchen", 1.0),
                                    ItemAttribute("c", "color", "mauve", 1.0)])
    assert got.positives == [ItemAttribute("a", "color", "green", 1.0), ItemAttribute("b", "kind", "mug", 1.0)]
    assert got.families == {"color": ["green"], "kind": ["mug"]}  # values with positives, in vocabulary order
    assert got.left_out == {"family": 1, "value": 1}  # room is no family; mauve no value
    assert got.always_top_families == ("kind",) and got.vocabulary_hash == vocab.hash
    assert settings_for(SMALL, got).always_top_families == ("kind",)
    no_type = tagger_vocabulary(workspace_vocabulary(HOME, product_type=None), [ItemAttribute("a", "kind", "mug", 1.0)])
    assert no_type.always_top_families == ()
    with pytest.raises(ValueError, match="none of the 1 curated positives"):
        tagger_vocabulary(vocab, [ItemAttribute("a", "size", "xl", 1.0)])


def test_checkpoint_records_the_vocabulary_and_assign_refuses_another(tmp_path):
    rows, truth = world(n=60)
    workspace = make_workspace(tmp_path / "ws", rows)
    assert recorded_vocabulary_hash(workspace) == (False, None)
    vocab = workspace_vocabulary()
    encoder = FakeText(dim=6)
    settings = SMALL.__class__(**{**SMALL.to_dict(), "epochs": 2, "always_top_families": ()})
    run_tagger(workspace, None, positives(truth), settings=settings, text_encoder=encoder, workspace_vocabulary=vocab)
    meta = read_tagger_meta(workspace_checkpoint(workspace))
    assert meta.workspace_vocabulary_hash == vocab.hash
    assert meta.settings["always_top_families"] == ["category"]  # from the vocabulary, not the settings given
    assert recorded_vocabulary_hash(workspace) == (True, vocab.hash)
    assert assign_tagger(workspace, text_encoder=encoder, workspace_vocabulary=vocab)[0] == 60
    edited = merge_value(vocab, "color", "green", "blue")
    with pytest.raises(ModelMismatchError, match="workbench attributes tag"):
        assign_tagger(workspace, text_encoder=encoder, workspace_vocabulary=edited)
