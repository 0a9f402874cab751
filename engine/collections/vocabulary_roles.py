"""What collections need from the workspace's vocabulary: its product-type family, checked once with a fix."""

from __future__ import annotations

from engine.collections.errors import CollectionsError
from engine.vocabulary import HOW_TO_GET_ONE, Vocabulary


def product_type_of(vocab: Vocabulary) -> str:
    """The family a topic is anchored on (its title's noun); an error says how to name one."""
    if not isinstance(vocab, Vocabulary):
        raise CollectionsError(f"collections need the workspace's Vocabulary, got {type(vocab).__name__}; "
                               "load it with engine.vocabulary.load_workspace_vocabulary(WORKSPACE)")
    if vocab.is_empty():
        raise CollectionsError(f"collections need attribute families: {HOW_TO_GET_ONE}")
    if vocab.product_type is None:
        raise CollectionsError(
            f"the workspace's vocabulary names no product type (its families are {', '.join(vocab.family_names)}); "
            "a topic is a product type plus other attributes, so set `product_type = \"FAMILY\"` in "
            "WORKSPACE/vocabulary.toml (see `workbench vocabulary show`)")
    return vocab.product_type
