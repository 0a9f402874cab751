"""Whether the catalog has what a query targets: does any item carry every target attribute?

Read off the catalog's own attributes (the items table's `attributes` column), not the engine's readings:
it tells a user that nothing matches ("no leather dress in this catalog"), so it must not depend on a
model's guess, and it never feeds the ranking. Unknown (None) when no item states a value of some target
family, as in a catalog that comes without attributes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def carries_all(attributes: Mapping[str, str], targets: Mapping[str, str]) -> bool:
    return all(attributes.get(family) == value for family, value in targets.items())


def catalog_has_targets(items: Mapping[str, Mapping], targets: Mapping[str, str],
                        exclude: Iterable[str] = ()) -> bool | None:
    """True when an item (other than `exclude`) carries every target value; None when there are no targets or
    some target family is stated by no item; items: item_id -> row with an `attributes` dict."""
    if not targets:
        return None
    left_out = set(exclude)
    stated: set[str] = set()
    for item_id, row in items.items():
        attributes = row.get("attributes") or {}
        if item_id in left_out:
            continue
        if carries_all(attributes, targets):
            return True
        stated.update(f for f in targets if attributes.get(f))
    return False if stated >= set(targets) else None
