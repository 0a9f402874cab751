"""Topic judges: the offline PMI + title scorer, the transformers judge's prompt and parsing with a fake model."""

import math

import pytest

from engine.attributes.judge import (JudgeError, JudgeScore, OfflineJudge, TransformersJudge, get_judge,
                                     judge_prompt, parse_judgement)
from engine.attributes.records import ItemAttribute
from engine.attributes.replies import MalformedReply


def attrs(item, **fv):
    return [ItemAttribute(item, f, v, 1.0) for f, v in fv.items()]


# 4 items: yellow dresses are summer (twice), a black coat is winter (twice).
DATA = (attrs("a", category="dress", color="yellow", season="summer") + attrs("b", category="dress", color="yellow", season="summer")
        + attrs("c", category="coat", color="black", season="winter") + attrs("d", category="coat", color="black", season="winter"))


def test_coherent_is_squashed_pmi():
    judge = OfflineJudge(DATA, min_items=2)
    score = judge.score({"category": "dress", "season": "summer"}, "summer dress")
    pmi = math.log(2 * 4 / (2 * 2))  # joint 2 of 4 items, each value on 2
    assert score.coherent == pytest.approx(1 / (1 + math.exp(-(pmi + 1))))
    assert score.plausible == 1.0 and score.searchlike == 1.0
    assert score.overall == pytest.approx((score.coherent + 2) / 3)


def test_never_seen_together_is_incoherent_and_implausible():
    score = OfflineJudge(DATA).score({"category": "dress", "season": "winter"}, "winter dress")
    assert (score.coherent, score.plausible) == (0.0, 0.0)


@pytest.mark.parametrize("title,expected", [
    ("yellow summer dress", 1.0),
    ("dress yellow summer", 0.75),  # the category is not last
    ("Yellow summer dress!!!", 0.5),  # punctuation, so the last word is not "dress" either
    ("the best cheap yellow summer party beach dress", 0.75),  # too long (8 words)
    ("summer dress", 0.75),  # the colour is not named
    ("", 0.0),
])
def test_searchlike_title_heuristics(title, expected):
    score = OfflineJudge().score({"category": "dress", "color": "yellow", "season": "summer"}, title)
    assert score.searchlike == expected
    assert (score.coherent, score.plausible) == (0.5, 0.5)  # no item data: neutral


def test_bad_topics_raise():
    with pytest.raises(JudgeError, match="at least one attribute"):
        OfflineJudge().score({}, "dress")
    with pytest.raises(JudgeError, match="known judges are default, transformers"):
        get_judge("gpt-judge")


@pytest.mark.parametrize("reply,expected", [
    ('{"coherent": 1, "plausible": 0.5, "searchlike": 0}', (1.0, 0.5, 0.0)),
    ('Here is my rating:\n```json\n{"Coherent": 0.9, "plausible": "0.6", "searchlike": 0.3}\n```', (0.9, 0.6, 0.3)),
    ("coherent: 1\nplausible: 1\nsearchlike: 0.5", (1.0, 1.0, 0.5)),
])
def test_parse_judgement(reply, expected):
    score = parse_judgement(reply)
    assert (score.coherent, score.plausible, score.searchlike) == pytest.approx(expected)
    assert score.overall == pytest.approx(sum(expected) / 3)


@pytest.mark.parametrize("reply", ['{"coherent": 1, "plausible": 0.5}', '{"coherent": 2, "plausible": 1, "searchlike": 1}',
                                   "looks good to me", '{"coherent": "high", "plausible": 1, "searchlike": 1}'])
def test_malformed_judgements(reply):
    with pytest.raises(MalformedReply):
        parse_judgement(reply)


class FakeLm:
    def __init__(self, reply):
        self.reply, self.prompts = reply, []

    def generate(self, prompt):
        self.prompts.append(prompt)
        return self.reply


def test_transformers_judge_with_fake_model_and_fallback():
    fake = FakeLm('{"coherent": 1, "plausible": 1, "searchlike": 1}')
    judge = TransformersJudge(model=fake)
    assert judge.score({"category": "dress", "color": "red"}, "red dress") == JudgeScore(1.0, 1.0, 1.0, 1.0)
    assert fake.prompts == [judge_prompt({"category": "dress", "color": "red"}, "red dress")]
    assert "category=dress, color=red" in fake.prompts[0] and '"red dress"' in fake.prompts[0]
    broken = TransformersJudge(model=FakeLm("no opinion"), fallback=OfflineJudge())
    assert broken.score({"category": "dress"}, "dress") == OfflineJudge().score({"category": "dress"}, "dress")
    assert broken.malformed == 1


def test_get_judge_defaults_and_local_models_only(tmp_path):
    assert isinstance(get_judge(), OfflineJudge)
    assert get_judge("default", attributes=DATA).score({"category": "coat", "color": "black"}, "black coat").plausible == pytest.approx(2 / 3)  # 2 items of min_items 3
    with pytest.raises(FileNotFoundError, match="not downloaded"):
        get_judge("transformers", model_path=tmp_path)
