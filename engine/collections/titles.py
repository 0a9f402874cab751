"""Query-like topic titles: modifiers in the vocabulary's word order, the product type last ("yellow summer party dress")."""

from __future__ import annotations

from collections.abc import Mapping

from engine.collections.errors import CollectionsError
from engine.collections.vocabulary_roles import product_type_of
from engine.vocabulary import Vocabulary


def title_order(vocab: Vocabulary) -> tuple[str, ...]:
    """The families whose values precede the noun, in the vocabulary's word order (the product type left out).

    Unlike the vocabulary's own order (which may put some families after the noun for embedding text), a
    landing-page title reads as a search: every modifier first, the product type as the head noun.
    """
    noun = product_type_of(vocab)
    return tuple(f for f in vocab.family_names if f != noun)


def topic_title(attributes: Mapping[str, str], vocab: Vocabulary) -> str:
    """Values in title_order (families the vocabulary lacks after, by name), then the product type's value."""
    noun = product_type_of(vocab)
    if noun not in attributes:
        raise CollectionsError(f"a topic needs a {noun!r} attribute (the vocabulary's product type), "
                               f"got {dict(attributes)!r}")
    order = title_order(vocab)
    rank = {f: i for i, f in enumerate(order)}
    modifiers = sorted((f for f in attributes if f != noun), key=lambda f: (rank.get(f, len(order)), f))
    words = [" ".join(str(attributes[f]).split()) for f in (*modifiers, noun)]
    return " ".join(w for w in words if w)
