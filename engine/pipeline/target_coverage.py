"""Whether the catalog has what a query targets: does any item carry every target attribute?

Read off the catalog's own attributes (the items table's `attributes` column), not the engine's readings:
it tells a user that nothing matches ("no leather dress in this catalog"), so it must not depend on a
model's guess, and it never feeds the ranking. Unknown (None) when no item states a value of some target
family, as in a catalog that comes without attributes.

A search asks this on every query, so the answer comes from postings ((family, value) -> item ids) built once
per search context, not from a scan of every item.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

Postings = dict[tuple[str, str], frozenset[str]]


def attribute_postings(items: Mapping[str, Mapping]) -> Postings:
    """(family, value) -> the ids of the items stating it; items: item_id -> row with an `attributes` dict."""
    postings: dict[tuple[str, str], set[str]] = {}
    for item_id, row in items.items():
        for family, value in (row.get("attributes") or {}).items():
            if value:
                postings.setdefault((family, value), set()).add(item_id)
    return {key: frozenset(ids) for key, ids in postings.items()}


def has_targets(postings: Postings, targets: Mapping[str, str], exclude: Iterable[str] = ()) -> bool | None:
    """True when an item (other than `exclude`) carries every target value; None when there are no targets or
    some target family is stated by no item (other than `exclude`)."""
    if not targets:
        return None
    left_out = frozenset(exclude)
    carriers = sorted((postings.get((f, v), frozenset()) for f, v in targets.items()), key=len)
    if carriers[0] and (frozenset.intersection(*carriers) - left_out):
        return True
    stated = {family for (family, _), ids in postings.items() if family in targets and ids - left_out}
    return False if stated >= set(targets) else None


def catalog_has_targets(items: Mapping[str, Mapping], targets: Mapping[str, str],
                        exclude: Iterable[str] = ()) -> bool | None:
    """`has_targets` over items given as item_id -> row with an `attributes` dict (builds the postings)."""
    return has_targets(attribute_postings(items), targets, exclude)


def postings_for(context) -> Postings:
    """The context's postings, built on first use and kept in its cache."""
    if "attribute_postings" not in context.cache:
        context.cache["attribute_postings"] = attribute_postings(context.items)
    return context.cache["attribute_postings"]
