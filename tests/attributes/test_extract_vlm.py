"""The transformers extractor's prompt and its reply parser, with a fake model (no weights)."""

from pathlib import Path

import pytest

from engine.attributes.extract import get_extractor
from engine.attributes.extract_vlm import ExtractionItem, build_prompt
from engine.attributes.records import RawAttribute
from engine.attributes.replies import MalformedReply, parse_object, parse_pairs

REPLIES = [  # (reply, expected pairs)
    ('{"color": "red", "category": "dress"}', [("color", "red"), ("category", "dress")]),
    ('```json\n{"color": "red"}\n```\nHope this helps!', [("color", "red")]),
    ("Sure! Here you go: {'pattern': 'floral', 'material': 'satin',}", [("pattern", "floral"), ("material", "satin")]),
    ('[{"key": "fabric", "value": "linen"}, {"key": "vibe", "value": "boho"}]', [("fabric", "linen"), ("vibe", "boho")]),
    ('{"attributes": [{"key": "color", "value": "navy"}]}', [("color", "navy")]),
    ('{"color": ["red", "white"], "size": null}', [("color", "red"), ("color", "white")]),
    ("- Color: Red\n- Item type: Dress\n", [("Color", "Red"), ("Item type", "Dress")]),
    ('color: "red",\nstyle = boho', [("color", "red"), ("style", "boho")]),
    ('[["season", "summer"]]', [("season", "summer")]),
]
MALFORMED = ["", "   ", "I cannot describe this image.", "{}", "[1, 2, 3]", '{"color": {"nested": 1}}']


@pytest.mark.parametrize("reply,expected", REPLIES)
def test_parse_pairs(reply, expected):
    assert parse_pairs(reply) == expected


@pytest.mark.parametrize("reply", MALFORMED)
def test_malformed_replies_raise(reply):
    with pytest.raises(MalformedReply):
        parse_pairs(reply)


def test_parse_object_reads_fenced_and_line_forms():
    assert parse_object('Answer:\n```\n{"coherent": 1}\n```') == {"coherent": 1}
    assert parse_object("coherent: 0.5\nplausible: 1") == {"coherent": "0.5", "plausible": "1"}


class FakeVlm:
    """Replies by item text; records the chats it was sent."""

    def __init__(self, replies):
        self.replies, self.seen = replies, []

    def generate(self, messages):
        self.seen.append(messages)
        text = messages[0]["content"][1]["text"]
        return next(r for key, r in self.replies.items() if key in text)


def test_extractor_with_fake_model_counts_malformed_replies():
    fake = FakeVlm({"red gown": '{"colour": "Crimson", "garment": "gown"}', "mystery": "no idea, sorry"})
    ex = get_extractor("transformers", model=fake, load_image=lambda path: f"<image {path.name}>")
    items = [ExtractionItem("a", Path("a.jpg"), "A red gown"),
             ExtractionItem("b", Path("b.jpg"), "mystery item")]
    assert list(ex.extract(items)) == [RawAttribute("a", "colour", "Crimson"), RawAttribute("a", "garment", "gown")]
    assert (ex.report.items, ex.report.pairs, ex.report.malformed) == (2, 2, 1)
    assert ex.report.problems[0].startswith("item b:")
    content = fake.seen[0][0]["content"]
    assert content[0] == {"type": "image", "image": "<image a.jpg>"}
    assert "JSON object" in content[1]["text"] and "A red gown" in content[1]["text"]


def home_vocabulary():
    from engine.vocabulary import AttributeFamily, AttributeValue, Vocabulary

    def family(name, *values, **kw):
        return AttributeFamily(name, tuple(AttributeValue(v) for v in values), **kw)

    return Vocabulary((family("color", "teal", "sage", visible=True), family("kind", "mug", "vase"),
                       family("best room", "kitchen", "bedroom")), product_type="kind")


def test_prompt_asks_for_the_workspace_families_and_trims_text():
    prompt = build_prompt(ExtractionItem("a", None, "word " * 500), home_vocabulary())
    assert "keys from kind, color, best room" in prompt  # the product type first
    assert '{"kind": "mug", "color": "teal", "best room": "kitchen"}' in prompt
    assert "category" not in prompt and "season" not in prompt  # nothing of the fashion sample
    assert len(prompt) < 1400


def test_prompt_without_a_vocabulary_leaves_the_keys_to_the_model():
    prompt = build_prompt(ExtractionItem("a", None, "a teal mug"))
    assert "same key names for every product" in prompt and "a teal mug" in prompt and "Example" not in prompt


def test_extractor_passes_the_vocabulary_to_the_prompt():
    fake = FakeVlm({"mug": '{"kind": "mug"}'})
    ex = get_extractor("transformers", model=fake, load_image=lambda path: "<image>", vocabulary=home_vocabulary())
    assert list(ex.extract([ExtractionItem("a", Path("a.jpg"), "mug")])) == [RawAttribute("a", "kind", "mug")]
    assert "keys from kind, color, best room" in fake.seen[0][0]["content"][1]["text"]


def test_model_must_be_a_local_folder(tmp_path):
    with pytest.raises(ValueError, match="--model PATH"):
        get_extractor("transformers")
    with pytest.raises(FileNotFoundError, match="not downloaded"):
        get_extractor("transformers", model_path="Qwen/Qwen2-VL-2B-Instruct")
    with pytest.raises(FileNotFoundError, match="config.json"):
        get_extractor("transformers", model_path=tmp_path)
