"""Training text for the image-text model: item metadata plus attribute phrases, so attribute words ground in pixels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

VISIBLE_FAMILIES = ("category", "color", "pattern", "material")


def _a(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def attribute_captions(attrs: Mapping[str, str | None]) -> list[str]:
    """Captions that name the visible attributes one, two and all at a time ("a photo of a red dress")."""
    cat = attrs.get("category")
    if not cat:
        return []
    color, pattern, material = attrs.get("color"), attrs.get("pattern"), attrs.get("material")
    out = [f"a photo of {_a(cat)} {cat}"]
    for word in (color, pattern, material):
        if word:
            out.append(f"a photo of {_a(word)} {word} {cat}")
    words = " ".join(w for w in (color, pattern, material) if w)
    if words:
        out.append(f"{_a(words)} {words} {cat}")
    if color and pattern:
        out.append(f"{_a(color)} {color} {pattern} {cat}")
    extra = [w for w in (attrs.get("style"), attrs.get("season"), attrs.get("occasion")) if w]
    if extra and color:
        out.append(f"{_a(color)} {color} {material or ''} {cat}, {', '.join(extra)}".replace("  ", " "))
    return out


def scene_captions(objects: Sequence[Mapping[str, str | None]]) -> list[str]:
    """Captions of a scene from the attributes of the products in it."""
    names = [f"{o.get('color') or ''} {o.get('category')}".strip() for o in objects if o.get("category")]
    if not names:
        return []
    out = ["an outfit with " + ", ".join(names)]
    out += [f"an outfit with {_a(n)} {n}" for n in names]
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
