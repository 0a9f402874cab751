"""Curation on tiny hand-made raw inputs: key families, spelling merges, frequency, MiniLM clustering."""

import argparse
import json

import numpy as np
import pytest

from engine.attributes.curate import CurationError, CurationSettings, curate, curated_attributes, surface_forms
from engine.attributes.curate_cluster import merge_by_embedding, merge_by_item_text, merge_spellings
from engine.attributes.curate_keys import normalise_key, normalise_value
from engine.attributes.learn_keys import KeySettings
from engine.attributes.records import CuratedVocabulary, ItemAttribute, RawAttribute
from engine.vocabulary import load_workspace_vocabulary


@pytest.fixture(scope="module")
def minilm():
    from engine.models.text_encoder import load_text_encoder

    return load_text_encoder()


def raw_of(rows):
    """[(item, key, value), ...] -> RawAttributes."""
    return [RawAttribute(*r) for r in rows]


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
    # "aesthetic" and "vibe" join "style" by their values (minimalist, boho under both)
    rows = [(f"i{i}", "style", "boho") for i in range(5)] + [(f"j{i}", "vibe", "Boho-Chic") for i in range(2)]
    rows += [(f"v{i}", "vibe", "boho") for i in range(3)]
    rows += [(f"k{i}", "aesthetic", "minimalist") for i in range(4)]
    rows += [(f"m{i}", "style", "minimalist") for i in range(4)]
    vocab = curate(raw_of(rows), minilm.encode, CurationSettings(min_support=2, threshold=0.3))
    assert {f: sorted(v) for f, v in vocab.families.items()} == {"style": ["boho", "minimalist"]}
    assert vocab.mapping[("vibe", "boho-chic")] == ("style", "boho")
    assert vocab.mapping[("aesthetic", "minimalist")] == ("style", "minimalist")


def test_stage_counts_and_mapping(minilm):
    rows = [("a", "colour", "Crimson"), ("b", "color", "crimson"), ("c", "main color", "grey"), ("d", "color", "gray"),
            ("e", "color", "gray"), ("a", "fit", "slim fit"), ("b", "brand", "Acme"), ("c", "color", "teal"),
            ("a", "item type", "T-Shirt"), ("b", "garment", "tshirt"), ("c", "category", "t-shirt")]
    every_key = KeySettings(min_support=1, min_family_share=0)  # 5 items: keep keys seen once
    vocab = curate(raw_of(rows), minilm.encode, CurationSettings(min_support=2, threshold=0.1, keys=every_key))
    assert vocab.keys["families"]["color"] == ["color", "colour", "main color"]
    assert vocab.keys["families"]["category"] == ["category", "garment", "item type"]  # ties: alphabetical
    assert vocab.stages["families"] == {"before": 10, "after": 8, "after.brand": 1, "after.category": 2,
                                        "after.color": 4, "after.fit": 1}
    assert vocab.stages["spelling"]["before"] == 8 and vocab.stages["spelling"]["after"] == 7  # t-shirt and tshirt merge
    assert vocab.stages["frequency"] == {"before": 7, "after": 3, "after.category": 1, "after.color": 2,
                                         "min_support": 2}  # grey (1 item), teal, slim fit and acme drop
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
    with pytest.raises(CurationError, match="--min-key-support"):
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
    lines += [{"item_id": f"j{i}", "attributes": [{"key": "Colour", "value": "navy"}, {"key": "garment", "value": "skirt"}]}
              for i in range(2)]
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\nbroken\n")
    args = argparse.Namespace(home=str(tmp_path / "ws"), backend="jsonl", input=source, model=None,
                              min_support=None, threshold=0.0)
    assert attributes.run_extract(args) == 0
    assert attributes.run_curate(args) == 0
    out = capsys.readouterr().out
    assert "extracted 12 pairs from 6 items (1 malformed, skipped)" in out and "frequency" in out
    folder = tmp_path / "ws" / "attributes"
    # families are named after their keys: nothing maps "garment" to a built-in "category" any more
    assert CuratedVocabulary.load(folder / "vocabulary.json").families == {"colour": ["red", "navy"],
                                                                          "garment": ["dress", "skirt"]}
    assert len((folder / "curated.jsonl").read_text().splitlines()) == 12
    vocab = load_workspace_vocabulary(tmp_path / "ws")
    assert vocab.values() == {"colour": ["red", "navy"], "garment": ["dress", "skirt"]}
    assert vocab.product_type == "garment" and vocab.visible_families == ("colour", "garment")
    assert f"hash {vocab.hash}" in out
    assert json.loads((folder / "extraction_report.json").read_text())["malformed"] == 1


def test_cli_curate_without_extract_says_what_to_run(tmp_path):
    from workbench.commands import attributes

    args = argparse.Namespace(home=str(tmp_path), min_support=None, threshold=0.2)
    with pytest.raises(FileNotFoundError, match="workbench attributes extract"):
        attributes.run_curate(args)


def test_merge_by_item_text_follows_what_the_items_own_text_says():
    support = {"rattan": 6, "wicker": 4, "oak": 3, "cane": 2}
    items = {"rattan": {f"r{i}" for i in range(6)}, "wicker": {"w0", "w1", "w2", "w3"}, "oak": {"o0", "o1", "o2"},
             "cane": {"c0", "c1"}}
    texts = {"w0": "a rattan chair", "w1": "rattan basket", "w2": "woven rattan lamp", "w3": "a wicker chair",
             "o0": "oak table", "o1": "oak stool", "o2": "a rattan-look oak shelf",  # "rattan-look" is no mention
             "c0": "rattan", "c1": "rattan"}
    # wicker: 3 of 4 items name rattan (>= 0.5 and >= 3), more than name wicker (1); oak names itself;
    # cane: both items name rattan, but 2 < min_items
    assert merge_by_item_text(support, items, texts, 0.5, 3) == {"rattan": "rattan", "wicker": "rattan",
                                                                 "oak": "oak", "cane": "cane"}
    assert merge_by_item_text(support, items, texts, 0.5, 2)["cane"] == "rattan"
    assert merge_by_item_text(support, items, {}, 0.5, 2) == {v: v for v in support}  # no texts: no merges


def test_text_spellings_of_known_forms_become_forms():
    from engine.attributes.curate_cluster import text_spellings

    forms = {"terracotta": ("color", "terracotta"), "terra-cotta": ("color", "terracotta"), "t-shirt": ("kind", "t-shirt"),
             "navy": ("color", "navy")}
    texts = {"a": "a terra cotta pot", "b": "plain tshirt, navy", "c": "terracotta"}
    assert text_spellings(forms, texts) == {"terra cotta": ("color", "terracotta"), "tshirt": ("kind", "t-shirt")}
    # a spelling two owners share is ambiguous: skipped
    assert text_spellings({"ab": ("x", "ab"), "a-b": ("y", "a-b")}, {"t": "a b"}) == {}


def test_a_value_the_extractor_gives_the_same_items_as_a_more_frequent_one_merges_into_it():
    from engine.attributes.curate_cluster import merge_by_cooccurrence

    items = {"kitchen": set(range(0, 40)), "cooking space": set(range(30, 42)) | {100, 101},  # 10 of 14 shared
             "dining room": set(range(50, 70)), "dinette": {50, 51, 60, 61, 200, 201, 202, 203, 204, 205},
             "bedroom": set(range(80, 95)), "guest room": {80, 81, 300, 301, 302}}
    merged = merge_by_cooccurrence({v: len(i) for v, i in items.items()}, items)
    assert merged["cooking space"] == "kitchen"  # 10 of its 14 items also say kitchen, nothing else
    assert merged["dinette"] == "dining room"  # 4 of 10 (>= 25%, >= 3 items)
    assert merged["guest room"] == "guest room"  # 2 shared: under the 3-item minimum
    assert merged["kitchen"] == "kitchen" and merged["bedroom"] == "bedroom"


def test_confusions_spread_over_neighbours_do_not_merge():
    from engine.attributes.curate_cluster import merge_by_cooccurrence

    items = {"navy": set(range(0, 30)), "blue": set(range(100, 140)), "black": set(range(200, 240)),
             "navy?": set()}
    items["navy"] |= {100, 101, 102, 200, 201, 202}  # as often with blue as with black: no single synonym
    merged = merge_by_cooccurrence({v: len(i) for v, i in items.items() if i}, items)
    assert merged["navy"] == "navy"


def test_contained_values_merge_into_the_one_value_they_hold():
    from engine.attributes.curate_cluster import merge_contained_values

    support = {"marble": 50, "carrara marble": 6, "marbled": 4, "navy": 30, "blue": 40, "navy blue": 5, "wood": 20}
    merged = merge_contained_values(support)
    assert merged["carrara marble"] == merged["marbled"] == "marble"
    assert merged["navy blue"] == "navy blue"  # holds two values: left alone
    assert merged["wood"] == "wood"


def test_the_contained_stage_is_off_unless_asked():
    raw = [RawAttribute(f"i{n}", "material", v) for n, v in enumerate(["marble"] * 6 + ["carrara marble"] * 3)]
    assert set(curate(raw, None, CurationSettings(threshold=0)).families["material"]) == {"marble", "carrara marble"}
    merged = curate(raw, None, CurationSettings(threshold=0, contained=True))
    assert merged.families["material"] == ["marble"]
