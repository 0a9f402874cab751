"""The README's http config example and templates load, and read replies shaped as each system documents them."""

import re
import tomllib
from pathlib import Path

import pytest

from engine.external import HttpConfig, ranking_from_reply

SECTION = (Path(__file__).parents[2] / "README.md").read_text().split("## Evaluate another search system")[1] \
    .split("\n## ")[0]
BLOCKS = [tomllib.loads(block) for block in re.findall(r"```toml\n(.*?)```", SECTION, flags=re.S)]

REPLIES = {  # trimmed from each system's documented reply
    "hits.hits": {"took": 3, "timed_out": False, "hits": {"total": {"value": 2, "relation": "eq"}, "max_score": 1.3,
                  "hits": [{"_index": "products", "_id": "p1", "_score": 1.3}, {"_index": "products", "_id": "p2",
                                                                                 "_score": 0.4}]}},
    "root.children": {"root": {"id": "toplevel", "relevance": 1.0, "fields": {"totalCount": 2}, "children": [
        {"id": "id:shop:product::p1", "relevance": 1.3, "source": "products", "fields": {"id": "p1"}},
        {"id": "id:shop:product::p2", "relevance": 0.4, "source": "products", "fields": {"id": "p2"}}]}},
    "response.docs": {"responseHeader": {"status": 0, "QTime": 1}, "response": {
        "numFound": 2, "start": 0, "maxScore": 1.3, "docs": [{"id": "p1", "score": 1.3}, {"id": "p2", "score": 0.4}]}},
    "hits": {"hits": [{"id": "p1", "score": 1.3}, {"id": "p2", "score": 0.4}]},
}


def test_the_readme_shows_the_example_and_three_templates():
    assert len(BLOCKS) == 4 and all(block["kind"] == "http" for block in BLOCKS)


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b["http"]["results"])
def test_each_readme_config_loads_and_reads_its_systems_reply(block):
    config = HttpConfig.from_dict(block, "README.md")
    assert ranking_from_reply(REPLIES[config.http.results], config.http) == [("p1", 1.3), ("p2", 0.4)]
