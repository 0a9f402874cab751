"""The sample catalog's relevance oracle, pinned by a hand-checked table."""

from __future__ import annotations

import pandas as pd
import pytest

from sample_data.relevance import FAMILIES, load_sample_truth, true_grade, wanted_attributes


def item(category=None, color=None, pattern=None, material=None, **others) -> dict[str, str]:
    values = {"category": category, "color": color, "pattern": pattern, "material": material, **others}
    return {k: v for k, v in values.items() if v is not None}


# A pivot: a blue denim solid jacket (its style/season do not count: not visible) + "in black".
DENIM_JACKET = item("jacket", "blue", "solid", "denim", style="classic", season="fall")
IN_BLACK = {"color": "black"}
# A text-only query: "red striped dress".
RED_STRIPED_DRESS = {"category": "dress", "color": "red", "pattern": "striped"}
# A pivot that changes the category: blue denim jeans + "as a skirt".
DENIM_JEANS = item("jeans", "blue", "solid", "denim")
AS_SKIRT = {"category": "skirt"}

CASES = [
    # target, reference, item, grade, why
    (IN_BLACK, DENIM_JACKET, item("jacket", "black", "solid", "denim"), 4, "everything wanted"),
    (IN_BLACK, DENIM_JACKET, item("jacket", "black", "solid", "leather"), 3, "one other (material) differs"),
    (IN_BLACK, DENIM_JACKET, item("jacket", "black", "striped", "denim"), 3, "one other (pattern) differs"),
    (IN_BLACK, DENIM_JACKET, item("jacket", "blue", "solid", "denim"), 2, "category ok, explicit color not"),
    (IN_BLACK, DENIM_JACKET, item("jacket", "navy", "plaid", "knit"), 2, "category ok, explicit color not"),
    (IN_BLACK, DENIM_JACKET, item("coat", "black", "solid", "denim"), 2, "same outfit group, explicit ok"),
    (IN_BLACK, DENIM_JACKET, item("jacket", "black", "plaid", "knit"), 2, "explicit ok, but two others differ: partly relevant"),
    (IN_BLACK, DENIM_JACKET, item("jeans", "black", "solid", "denim"), 1, "other group, shares attributes"),
    (IN_BLACK, DENIM_JACKET, item("coat", "blue", "solid", "denim"), 1, "same group but explicit fails; shares pattern"),
    (IN_BLACK, DENIM_JACKET, item("coat", "red", "floral", "cotton"), 0, "same group, explicit fails, nothing shared"),
    (IN_BLACK, DENIM_JACKET, item("dress", "red", "floral", "cotton"), 0, "nothing shared"),
    (IN_BLACK, DENIM_JACKET, {}, 0, "a scene: no attributes"),
    ({"season": "winter"}, DENIM_JACKET, item("jacket", "blue", "solid", "denim", season="winter"), 4, "non-visible target met"),
    ({"season": "winter"}, DENIM_JACKET, item("jacket", "blue", "solid", "denim", season="summer"), 2, "explicit season not met"),
    ({"season": "winter"}, DENIM_JACKET, item("jacket", "blue", "solid", "leather", season="winter"), 3, "material differs"),
    (RED_STRIPED_DRESS, None, item("dress", "red", "striped", "linen"), 4, "text only: all explicit"),
    (RED_STRIPED_DRESS, None, item("dress", "red", "solid", "cotton"), 2, "pattern asked, not met"),
    (RED_STRIPED_DRESS, None, item("dress", "blue", "floral", "cotton"), 2, "category ok, explicit not"),
    (RED_STRIPED_DRESS, None, item("skirt", "red", "striped", "cotton"), 1, "a dress has no group mates"),
    (RED_STRIPED_DRESS, None, item("handbag", "black", "solid", "leather"), 0, "nothing shared"),
    (AS_SKIRT, DENIM_JEANS, item("skirt", "blue", "solid", "denim"), 4, "the changed category"),
    (AS_SKIRT, DENIM_JEANS, item("skirt", "black", "solid", "denim"), 3, "color of the reference differs"),
    (AS_SKIRT, DENIM_JEANS, item("jeans", "blue", "solid", "denim"), 1, "the reference's own category fails the explicit one"),
    (AS_SKIRT, DENIM_JEANS, item("shorts", "blue", "solid", "denim"), 1, "same group but explicit category fails"),
    ({"season": "summer"}, None, item("dress", "red", season="summer"), 4, "no category stated: any summer item"),
    ({"season": "summer"}, None, item("dress", "red", season="winter"), 0, "no category stated, nothing shared"),
    ({"color": "red", "season": "summer"}, None, item("coat", "red", season="winter"), 1, "shares the color only"),
    ({"color": "beige"}, None, item("handbag", "beige", "solid", "leather"), 4, "descriptor: the palette color"),
]


@pytest.mark.parametrize("target, reference, candidate, grade, why", CASES, ids=[c[4] for c in CASES])
def test_true_grade_table(target, reference, candidate, grade, why):
    assert true_grade(target, reference, candidate) == grade, why


def test_wanted_attributes_take_visible_reference_families_overridden_by_the_text():
    assert wanted_attributes(IN_BLACK, DENIM_JACKET) == {"category": "jacket", "color": "black", "pattern": "solid", "material": "denim"}
    assert wanted_attributes(RED_STRIPED_DRESS, None) == RED_STRIPED_DRESS


def test_a_query_that_wants_nothing_is_an_error():
    with pytest.raises(ValueError, match="the query wants nothing"):
        true_grade({}, None, item("dress"))


def test_load_sample_truth(sample_catalog):
    frame = pd.read_parquet(sample_catalog / "items.parquet")
    truth = load_sample_truth(sample_catalog / "items.parquet")
    assert set(truth) == set(frame["item_id"])
    product = frame[frame["kind"] == "product"].iloc[0]
    assert truth[product["item_id"]] == {f: product[f] for f in FAMILIES}
    scenes = frame[frame["kind"] == "scene"]["item_id"]
    assert len(scenes) > 0 and all(truth[s] == {} for s in scenes)
    product_truth = truth[product["item_id"]]
    assert true_grade({}, product_truth, product_truth) == 4  # an item is a perfect answer to itself


def test_load_sample_truth_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no items file at .*items\.parquet; generate a sample"):
        load_sample_truth(tmp_path / "items.parquet")
    pd.DataFrame({"item_id": ["a"]}).to_parquet(tmp_path / "items.parquet")
    with pytest.raises(ValueError, match=r"lacks the columns \['category'"):
        load_sample_truth(tmp_path / "items.parquet")
