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


def test_the_postings_answer_like_a_scan_of_every_item():
    """Brute-force oracle: every item checked one by one, on random catalogs and targets (seeded)."""
    import random

    from engine.pipeline.target_coverage import attribute_postings, has_targets

    def scan(items, targets, exclude):
        if not targets:
            return None
        rows = [r["attributes"] for i, r in items.items() if i not in exclude]
        if any(all(a.get(f) == v for f, v in targets.items()) for a in rows):
            return True
        return False if all(any(a.get(f) for a in rows) for f in targets) else None

    rng = random.Random(4)
    for _ in range(300):
        items = {f"i{n}": {"attributes": {f: rng.choice("abc") for f in "xyz" if rng.random() < 0.6}}
                 for n in range(rng.randint(0, 8))}
        targets = {f: rng.choice("abc") for f in rng.sample("xyzw", rng.randint(0, 3))}
        exclude = rng.sample(sorted(items), min(len(items), rng.randint(0, 1)))
        assert has_targets(attribute_postings(items), targets, exclude) is scan(items, targets, exclude)
