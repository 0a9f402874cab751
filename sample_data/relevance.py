"""The sample catalog's relevance oracle: the true 0..4 grade of an item for a query, from attributes.

A query wants the reference image's visible attributes (category, color, pattern, material),
overridden by the explicit target attributes of its text. With W the wanted attributes and T the
explicit targets (T is part of W), first rule that holds:

    4  the category is right and every wanted attribute matches
    3  the category is right, every explicit target matches, at most one other wanted attribute differs
    2  the category is stated and matches but some explicit target differs, or two or more other
       wanted attributes differ; or the category differs
       but lies in the same outfit group (jacket/coat, jeans/pants/skirt/shorts...) and every
       explicit target matches
    1  the item shares the stated category or at least one wanted attribute
    0  otherwise

"The category is right" holds when it matches, or when the query states no category at all
(a text-only "summer" query); rules 2 and 1 need a stated category to share.

The search benchmark (benchmarks/bench_search_quality.py) grades with two narrower scales, one per query
intent, defined in docs/search_quality.md: `pivot_grade` (reference + "change family F to value V") and
`descriptor_grade` (reference + "explore family F").
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sample_data.spec import OUTFIT_GROUPS

VISIBLE_FAMILIES: tuple[str, ...] = ("category", "color", "pattern", "material")
FAMILIES: tuple[str, ...] = ("category", "color", "pattern", "material", "style", "season", "occasion")
_GROUP_OF: dict[str, str] = {category: group for group, categories in OUTFIT_GROUPS.items() for category in categories}


def wanted_attributes(query_target: dict[str, str], reference: dict[str, str] | None) -> dict[str, str]:
    """The reference's visible attributes, overridden by the query's explicit targets."""
    wanted = {f: reference[f] for f in VISIBLE_FAMILIES if reference and reference.get(f) is not None}
    wanted.update(query_target)
    return wanted


def same_outfit_group(a: str | None, b: str | None) -> bool:
    """Whether two categories are different members of one outfit group (a jacket and a coat)."""
    return a is not None and b is not None and a != b and _GROUP_OF.get(a) is not None and _GROUP_OF.get(a) == _GROUP_OF.get(b)


def true_grade(query_target: dict[str, str], reference: dict[str, str] | None, item: dict[str, str]) -> int:
    """The 0..4 grade of `item` for a query with explicit targets `query_target` and a reference (None: text only)."""
    wanted = wanted_attributes(query_target, reference)
    if not wanted:
        raise ValueError("the query wants nothing: give target attributes, a reference item, or both")
    matches = {f: item.get(f) == v for f, v in wanted.items()}
    stated = wanted.get("category")
    category_stated_match = stated is not None and item.get("category") == stated
    category_right = stated is None or category_stated_match
    explicit_all = all(matches[f] for f in query_target)
    other_misses = sum(1 for f in wanted if f not in query_target and not matches[f])
    if category_right and all(matches.values()):
        return 4
    if category_right and explicit_all and other_misses <= 1:
        return 3
    if category_stated_match or (same_outfit_group(stated, item.get("category")) and explicit_all):
        return 2
    if category_stated_match or any(matches.values()):
        return 1
    return 0


PIVOT_KEPT: tuple[str, ...] = ("color", "pattern", "material")  # the visual families a pivot keeps


def pivot_grade(reference: dict[str, str], family: str, target: str, item: dict[str, str]) -> int:
    """0..4 grade of `item` for "the reference, with `family` changed to `target`" (docs/search_quality.md).

    4 same category + target + every kept family (PIVOT_KEPT but `family`) equal to the reference's;
    3 same category + target + all kept but one; 2 same category + target; 1 same category or target; 0 neither.
    """
    same_category = item.get("category") is not None and item.get("category") == reference.get("category")
    has_target = item.get(family) == target
    kept = [f for f in PIVOT_KEPT if f != family and reference.get(f) is not None]
    misses = sum(1 for f in kept if item.get(f) != reference[f])
    if same_category and has_target:
        return 4 if misses == 0 else 3 if misses == 1 else 2
    return 1 if same_category or has_target else 0


def descriptor_grade(reference: dict[str, str], family: str, item: dict[str, str]) -> int:
    """0..4 grade of `item` for "more like the reference's `family`" (docs/search_quality.md).

    4 same category + the reference's value of `family` + at least one more visual family (PIVOT_KEPT)
    shared; 3 same category + that value; 2 that value in another category; 1 same category only; 0 nothing.
    """
    value = reference.get(family)
    if value is None:
        raise ValueError(f"the reference has no {family!r} value to describe; pick a family it has: {sorted(reference)}")
    same_category = item.get("category") is not None and item.get("category") == reference.get("category")
    has_aspect = item.get(family) == value
    more = any(item.get(f) is not None and item.get(f) == reference.get(f) for f in PIVOT_KEPT if f != family)
    if same_category and has_aspect:
        return 4 if more else 3
    return 2 if has_aspect else 1 if same_category else 0


def load_sample_truth(items_parquet: str | Path) -> dict[str, dict[str, str]]:
    """item_id -> {family: true value} from a generated `items.parquet` (families that are null are left out)."""
    path = Path(items_parquet)
    if not path.is_file():
        raise FileNotFoundError(f"no items file at {path}; generate a sample with `workbench generate-sample --out DIR`")
    frame = pd.read_parquet(path)
    missing = [c for c in ("item_id", *FAMILIES) if c not in frame.columns]
    if missing:
        raise ValueError(f"{path} lacks the columns {missing}; it is not a sample catalog's items.parquet")
    truth: dict[str, dict[str, str]] = {}
    for row in frame[["item_id", *FAMILIES]].itertuples(index=False):
        values = row._asdict()
        item_id = values.pop("item_id")
        truth[item_id] = {f: v for f, v in values.items() if isinstance(v, str)}
    return truth
