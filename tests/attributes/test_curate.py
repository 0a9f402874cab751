"""Curation on tiny hand-made raw inputs: key families, spelling merges, frequency, MiniLM clustering."""

import argparse
import json

import numpy as np
import pytest

from engine.attributes.curate import CurationError, CurationSettings, curate, curated_attributes, surface_forms
from engine.attributes.curate_cluster import merge_by_embedding, merge_spellings
from engine.attributes.curate_keys import family_of, normalise_key, normalise_value
from engine.attributes.records import CuratedVocabulary, ItemAttribute, RawAttribute


@pytest.fixture(scope="module")
def minilm():
    from engine.models.text_encoder import load_text_encoder

    return load_text_encoder()


def raw_of(rows):
    """[(item, key, value), ...] -> RawAttributes."""
    return [RawAttribute(*r) for r in rows]


@pytest.mark.parametrize("key,family", [("Colour", "color"), ("primary_color", "color"), ("Item Type:", "category"),
                                        ("garment", "category"), ("product-type", "category"), ("fabric", "material"),
                                        ("vibe", "style"), ("suitable for", "occasion"), ("use case", "occasion"),
                                        ("seasonality", "season"), ("print", "pattern"), ("accent color", None),
                                        ("brand", None), ("detail", None), ("fit", None)])
def test_keys_map_to_families(key, family):
    assert family_of(key) == family


@pytest.mark.parametrize("value,normal", [("  Crimson ", "crimson"), ("100% Cotton.", "cotton"),
                                          ("Boho-Chic", "boho-chic"), ("navy   blue", "navy blue"), ('"Red"', "red")])
def test_values_normalise(value, normal):
    assert normalise_value(value) == normal


def test_normalise_key():
    assert normalise_key(" Primary_Color: ") == "primary color"


def test_merge_spellings_keeps_the_most_frequent():
    assert merge_spellings({"t-shirt": 5, "tshirt": 2, "t shirt": 1, "shirt": 4}) == {
        "t-shirt": "t-shirt", "tshirt": "t-shirt", "t shirt": "t-shirt", "shirt": "shirt"}


def test_merge_by_embedding_with_hand_vectors():
    vectors = {"a": [1, 0], "a2": [0.99, 0.141], "b": [0, 1]}  # a, a2 at cosine distance ~0.01

    def encode(texts):
        rows = np.array([vectors[t] for t in texts], float)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    assert merge_by_embedding({"a": 1, "a2": 3, "b": 9}, encode, 0.1) == {"a": "a2", "a2": "a2", "b": "b"}
    assert merge_by_embedding({"a": 1}, encode, 0.1) == {"a": "a"}


def test_boho_forms_merge_into_the_most_frequent(minilm):
    rows = [(f"i{i}", "style", "boho") for i in range(5)] + [(f"j{i}", "vibe", "Boho-Chic") for i in range(3)]
    rows += [(f"k{i}", "aesthetic", "minimalist") for i in range(4)]
    vocab = curate(raw_of(rows), minilm.encode, CurationSettings(min_support=2, threshold=0.3))
    assert vocab.families == {"style": ["boho", "minimalist"]}
    assert vocab.mapping[("vibe", "boho-chic")] == ("style", "boho")
    assert vocab.mapping[("aesthetic", "minimalist")] == ("style", "minimalist")


def test_stage_counts_and_mapping(minilm):
    rows = [("a", "colour", "Crimson"), ("b", "color", "crimson"), ("c", "main color", "grey"), ("d", "color", "gray"),
            ("e", "color", "gray"), ("a", "fit", "slim fit"), ("b", "brand", "Acme"), ("c", "color", "teal"),
            ("a", "item type", "T-Shirt"), ("b", "garment", "tshirt"), ("c", "category", "t-shirt")]
    vocab = curate(raw_of(rows), minilm.encode, CurationSettings(min_support=2, threshold=0.1))
    assert vocab.stages["families"] == {"before": 10, "after": 6, "after.category": 2, "after.color": 4}
    assert vocab.stages["spelling"]["before"] == 6 and vocab.stages["spelling"]["after"] == 5  # t-shirt and tshirt merge
    assert vocab.stages["frequency"] == {"before": 5, "after": 3, "after.category": 1, "after.color": 2,
                                         "min_support": 2}  # grey (1 item) and teal drop
    assert vocab.stages["clustering"]["after"] == 3
    assert vocab.families == {"category": ["t-shirt"], "color": ["crimson", "gray"]}
    assert vocab.mapping[("colour", "crimson")] == ("color", "crimson")
    assert ("main color", "grey") not in vocab.mapping and ("fit", "slim fit") not in vocab.mapping
    assert vocab.mapping[("garment", "tshirt")] == ("category", "t-shirt")
    assert surface_forms(vocab)[("category", "t-shirt")] == ["t-shirt", "tshirt"]


def test_curated_attributes_dedupe_per_item():
    vocab = CuratedVocabulary({"color": ["red"]}, {("color", "red"): ("color", "red"), ("colour", "crimson"): ("color", "red")})
    raw = raw_of([("a", "Color", "Red"), ("a", "colour", "Crimson"), ("b", "colour", "crimson "), ("b", "fit", "x")])
    assert curated_attributes(raw, vocab) == [ItemAttribute("a", "color", "red", 1.0), ItemAttribute("b", "color", "red", 1.0)]


def test_default_support_is_relative_to_the_catalog():
    assert CurationSettings().support_for(3000) == 6
    assert CurationSettings().support_for(10) == 2
    assert CurationSettings(min_support=4).support_for(3000) == 4


def test_empty_vocabulary_names_the_threshold_to_lower():
    with pytest.raises(CurationError, match="--min-support"):
        curate(raw_of([("a", "color", "red"), ("b", "color", "blue")]), None, CurationSettings(min_support=2, threshold=0))
    with pytest.raises(CurationError, match="key_aliases.toml"):
        curate(raw_of([("a", "brand", "acme")]), None, CurationSettings(threshold=0))
    with pytest.raises(CurationError, match="threshold"):
        CurationSettings(threshold=3).check()
    with pytest.raises(CurationError, match="text encoder"):
        curate(raw_of([("a", "color", "red")]), None, CurationSettings(min_support=1))


def test_single_value_family_survives(minilm):
    vocab = curate(raw_of([("a", "color", "red"), ("b", "color", "red")]), minilm.encode, CurationSettings(min_support=1))
    assert vocab.families == {"color": ["red"]}


def test_vocabulary_json_round_trips(minilm, tmp_path):
    vocab = curate(raw_of([("a", "colour", "red"), ("b", "color", "red")]), minilm.encode, CurationSettings(min_support=1))
    vocab.save(tmp_path / "v.json")
    assert CuratedVocabulary.load(tmp_path / "v.json") == vocab


def test_cli_extract_then_curate(tmp_path, capsys):
    from workbench.commands import attributes

    source = tmp_path / "vlm.jsonl"
    lines = [{"item_id": f"i{i}", "attributes": [{"key": "colour", "value": "Red"}, {"key": "garment", "value": "dress"}]}
             for i in range(4)]
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\nbroken\n")
    args = argparse.Namespace(home=str(tmp_path / "ws"), backend="jsonl", input=source, model=None,
                              min_support=None, threshold=0.0)
    assert attributes.run_extract(args) == 0
    assert attributes.run_curate(args) == 0
    out = capsys.readouterr().out
    assert "extracted 8 pairs from 4 items (1 malformed, skipped)" in out and "frequency" in out
    folder = tmp_path / "ws" / "attributes"
    assert CuratedVocabulary.load(folder / "vocabulary.json").families == {"category": ["dress"], "color": ["red"]}
    assert len((folder / "curated.jsonl").read_text().splitlines()) == 8
    assert json.loads((folder / "extraction_report.json").read_text())["malformed"] == 1


def test_cli_curate_without_extract_says_what_to_run(tmp_path):
    from workbench.commands import attributes

    args = argparse.Namespace(home=str(tmp_path), min_support=None, threshold=0.2)
    with pytest.raises(FileNotFoundError, match="workbench attributes extract"):
        attributes.run_curate(args)
