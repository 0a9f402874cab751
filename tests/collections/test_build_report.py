"""The build report says how many attributes the confidence floor ignored, and what to do when nothing is left."""

from engine.collections.build import BuildReport


def report(**kw) -> BuildReport:
    return BuildReport("tagged_attributes", 120, 0, None, None, weighting="supply", **kw)


def test_an_empty_build_under_the_floor_says_what_to_lower():
    text = report(topics=0, attributes=500, below_confidence=480, min_confidence=0.85).summary()
    lines = text.splitlines()
    assert lines[0].startswith("0 topics")
    assert lines[1] == "480 of 500 item attributes are below --min-confidence 0.85 and were ignored"
    assert lines[2].startswith("no topics:") and "lower --min-confidence" in lines[2]


def test_a_build_with_topics_only_counts_what_the_floor_ignored():
    text = report(topics=12, attributes=500, below_confidence=40, min_confidence=0.85).summary()
    assert "40 of 500 item attributes are below --min-confidence 0.85" in text and "no topics" not in text
    assert "below --min-confidence" not in report(topics=12, attributes=500).summary()
