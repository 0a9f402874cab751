"""Training text for the image-text model: item metadata plus attribute phrases in the workspace vocabulary's
words, so that attribute words ground in pixels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from engine.vocabulary import Vocabulary

GENERIC_NOUN = "product"  # the noun of a caption when the vocabulary names no product type


def _a(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def caption_families(vocab: Vocabulary) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(visible modifiers, other modifiers): the families besides the product type, in vocabulary order."""
    others = [f for f in vocab.families if f.name != vocab.product_type]
    return tuple(f.name for f in others if f.visible), tuple(f.name for f in others if not f.visible)


def attribute_captions(attrs: Mapping[str, str | None], vocab: Vocabulary) -> list[str]:
    """Captions that name the visible attributes one, two and all at a time ("a photo of a red dress"), and the
    others after a comma ("a red satin dress, summer, party"). An item without its product type has none."""
    if vocab.product_type is not None:
        noun = attrs.get(vocab.product_type)
        if not noun:
            return []
    else:
        noun = GENERIC_NOUN
    visible, other = caption_families(vocab)
    words = [attrs[f] for f in visible if attrs.get(f)]
    if vocab.product_type is None and not words:
        return []  # "a photo of a product" says nothing about this item
    out = [f"a photo of {_a(noun)} {noun}"]
    out += [f"a photo of {_a(w)} {w} {noun}" for w in words]
    if words:
        joined = " ".join(words)
        out.append(f"{_a(joined)} {joined} {noun}")
    if len(words) >= 3:
        out.append(f"{_a(words[0])} {words[0]} {words[1]} {noun}")
    extra = [attrs[f] for f in other if attrs.get(f)]
    if extra and words:
        joined = " ".join(words)
        out.append(f"{_a(joined)} {joined} {noun}, {', '.join(extra)}")
    return list(dict.fromkeys(out))


def scene_captions(objects: Sequence[Mapping[str, str | None]], vocab: Vocabulary) -> list[str]:
    """Captions of a scene from the attributes of the products in it ("a scene with red dress, black boots")."""
    if vocab.product_type is None:
        return []
    visible, _ = caption_families(vocab)
    first = visible[0] if visible else None
    names = [f"{o.get(first) or '' if first else ''} {o.get(vocab.product_type)}".strip()
             for o in objects if o.get(vocab.product_type)]
    if not names:
        return []
    out = ["a scene with " + ", ".join(names)]
    out += [f"a scene with {_a(n)} {n}" for n in names]
    return out


def metadata_captions(title: str | None, description: str | None, tags: Sequence[str] | None) -> list[str]:
    """Captions from a listing's own text, for catalogs without attribute columns."""
    out = []
    if title and title.strip():
        out.append(title.strip())
    if description and description.strip() and not out:
        out.append(description.strip().split(". ")[0])
    if tags:
        out.append(", ".join(t for t in tags[:8] if t))
    return out
