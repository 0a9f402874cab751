"""From a query, its parsed text and the reading of its reference image to the understood query.

The rule (pinned by tests/query/test_understand.py):
- no reference image: mode "text"; the targets are the values the text names; the enriched text is the text.
- no text: mode "image"; the target is the reference's category (here and below: the vocabulary's product-type
  family, none when it has no `product_type`); the enriched text is the reference's reading.
- a pivot changes aspects of *this* thing: the targets are the values the text names plus the reference's
  category (unless the text names a category), and the enriched text is the reference's reading with the
  pivot applied and excluded values dropped ("blue striped shirt" + "in red" -> "red striped shirt"). A change
  cue naming an aspect without a value ("in a different color") drops that family from the enriched text.
- a descriptor explores aspects of this thing: the targets are the reference's values of the named aspects
  plus its category (the category alone when no aspect is named: "similar overall"), and the enriched text
  is those values.
- text that is neither keeps the reference's reading and appends the text (mode "descriptor", category target).
Only readings at or above READ_THRESHOLD confidence are used; all readings are reported with their confidence.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.query.parse import ParsedText
from engine.query.pivot import apply_pivot
from engine.query.pivot import enriched_query_text as _enriched
from engine.records import Query, UnderstoodQuery
from engine.vocabulary import EMPTY, Vocabulary

READ_THRESHOLD = 0.4  # a reference reading below this confidence is reported but not searched for


class QueryError(ValueError):
    """A query that cannot be searched (nothing to search for, or conflicting references)."""


def check_query(query: Query) -> Query:
    """The query, if it can be searched; else a QueryError saying what to change."""
    if not isinstance(query, Query):
        raise QueryError(f"expected a Query, got {type(query).__name__}")
    if not isinstance(query.text, str):
        raise QueryError(f"query text must be a string, got {type(query.text).__name__}")
    if query.item_id is not None and query.image_path is not None:
        raise QueryError("give either a catalog item (--item) or an image file (--image) as the reference, not both")
    has_image = query.item_id is not None or query.image_path is not None
    if not has_image and not query.text.strip():
        raise QueryError("empty query: give text (--text), a reference (--item ID or --image PATH), or both")
    if query.crop is not None:
        if not has_image:
            raise QueryError("a crop needs a reference image to crop: add --item ID or --image PATH")
        if len(query.crop) != 4:
            raise QueryError(f"crop {query.crop!r} must have four numbers X0,Y0,X1,Y1")
    return query


def understood_query(query: Query, parsed: ParsedText | None, reading: Mapping[str, tuple[str, float]],
                     surrogate_item: str | None = None, *, vocabulary: Vocabulary = EMPTY) -> UnderstoodQuery:
    """Apply the rule above. `reading` is family -> (value, confidence) of the reference image (empty if none).

    "Category" in the rule is the vocabulary's product-type family (none: no such target); enriched text
    follows the vocabulary's word order."""
    check_query(query)
    confident = {f: v for f, (v, c) in reading.items() if c >= READ_THRESHOLD}
    confidence = {f: float(c) for f, (_, c) in reading.items()}
    values = {f: v for f, (v, _) in reading.items()}
    has_image = query.item_id is not None or query.image_path is not None
    text = parsed.cleaned_text if parsed is not None else ""
    product_type = vocabulary.product_type
    category = {product_type: confident[product_type]} if product_type in confident else {}
    order = vocabulary.family_names

    def enriched_query_text(attributes, extra_words=""):
        return _enriched(attributes, extra_words, order)


    if not has_image:
        mode, targets, enriched = "text", dict(parsed.targets) if parsed else {}, text
    elif parsed is None or not text:
        mode, targets, enriched = "image", dict(category), enriched_query_text(confident)
    elif parsed.mode == "pivot":
        mode, targets = "pivot", {**category, **parsed.targets}
        kept = apply_pivot(confident, parsed.targets)
        kept = {f: v for f, v in kept.items() if parsed.excluded.get(f) != v}
        if not parsed.targets and not parsed.excluded:
            kept = {f: v for f, v in kept.items() if f not in parsed.aspect_families}
        enriched = enriched_query_text(kept)
    elif parsed.mode == "descriptor":
        aspects = {f: confident[f] for f in parsed.aspect_families if f in confident}
        mode, targets = "descriptor", {**category, **aspects}
        enriched = enriched_query_text(targets)
    else:
        mode, targets, enriched = "descriptor", dict(category), enriched_query_text(confident, text)
    return UnderstoodQuery(query=query, mode=mode, target_attributes=targets, reference_attributes=values,
                           reference_confidence=confidence, enriched_text=enriched, surrogate_item=surrogate_item)
