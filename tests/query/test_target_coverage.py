"""Does any catalog item carry every target attribute (the catalog's own attributes, not readings)?"""

from __future__ import annotations

import pytest

from engine.pipeline.target_coverage import catalog_has_targets

ITEMS = {"d1": {"attributes": {"category": "dress", "material": "cotton"}},
         "d2": {"attributes": {"category": "dress", "material": "leather"}},
         "b1": {"attributes": {"category": "boots", "material": "leather"}},
         "x": {"attributes": {}}}


@pytest.mark.parametrize("targets, exclude, expected", [
    ({"category": "dress", "material": "leather"}, (), True),
    ({"category": "dress", "material": "leather"}, ("d2",), False),  # the reference itself does not count
    ({"category": "boots", "material": "cotton"}, (), False),
    ({"category": "dress", "season": "winter"}, (), None),  # no item states a season: unknown, not "none"
    ({}, (), None),
])
def test_catalog_has_targets(targets, exclude, expected):
    assert catalog_has_targets(ITEMS, targets, exclude) is expected
