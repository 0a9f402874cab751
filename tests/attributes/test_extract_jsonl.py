"""The jsonl extractor: good lines become RawAttributes, malformed lines are counted with their line numbers."""

import json

import pytest

from engine.attributes.extract import ExtractionError, JsonlExtractor, get_extractor, read_raw, write_raw
from engine.attributes.records import RawAttribute

GOOD = {"item_id": "a", "attributes": [{"key": "colour", "value": "Crimson"}, {"key": "fabric", "value": "100% cotton"}]}
LINES = [
    json.dumps(GOOD),
    "{not json",  # 2
    json.dumps({"attributes": [{"key": "k", "value": "v"}]}),  # 3: no item_id
    json.dumps({"item_id": "c", "attributes": [{"key": "color", "value": 3}]}),  # 4: non-string value
    json.dumps({"item_id": "d", "attributes": []}),  # 5: empty
    "",  # blank lines are not malformed
    json.dumps({"item_id": "e", "attributes": [{"key": "style", "value": "boho"}, {"key": " ", "value": "x"}]}),
    json.dumps(["a", "list"]),  # 8
]


@pytest.fixture
def jsonl(tmp_path):
    path = tmp_path / "vlm.jsonl"
    path.write_text("\n".join(LINES) + "\n")
    return path


def test_reads_good_lines_and_counts_malformed(jsonl):
    ex = get_extractor("jsonl", path=jsonl)
    raw = list(ex.extract())
    assert raw == [RawAttribute("a", "colour", "Crimson"), RawAttribute("a", "fabric", "100% cotton"),
                   RawAttribute("e", "style", "boho")]
    assert (ex.report.items, ex.report.pairs, ex.report.malformed) == (2, 3, 5)
    assert [p.split(":")[0] for p in ex.report.problems] == [f"vlm.jsonl line {n}" for n in (2, 3, 4, 5, 8)]


def test_filters_items(jsonl):
    assert {a.item_id for a in JsonlExtractor(jsonl).extract(["e"])} == {"e"}


def test_problems_quote_only_the_first_twenty(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text("x\n" * 25)
    ex = JsonlExtractor(path)
    assert list(ex.extract()) == []
    assert ex.report.malformed == 25 and len(ex.report.problems) == 20


def test_write_then_read_round_trips(jsonl, tmp_path):
    raw = list(JsonlExtractor(jsonl).extract())
    assert write_raw(raw, tmp_path / "out" / "raw.jsonl") == 3
    assert read_raw(tmp_path / "out" / "raw.jsonl") == raw


def test_missing_file_and_unknown_backend(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.jsonl"):
        get_extractor("jsonl", path=tmp_path / "missing.jsonl")
    with pytest.raises(ExtractionError, match="known extractors are jsonl, transformers"):
        get_extractor("gpt")
