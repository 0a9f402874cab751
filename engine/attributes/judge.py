"""Judging candidate topic-query pairs (PinLanding's LLM-as-judge): is the attribute tuple coherent,
a plausible shopping intent, and is its title phrased like a search?

`TopicJudge.score(attributes, title) -> JudgeScore`, backends by name in `JUDGES`: `default` (offline,
no weights: co-occurrence PMI of the tuple in curated item attributes, and title heuristics) and
`transformers` (a local causal LM folder; prompt + robust reply parsing).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Protocol, runtime_checkable

from engine.attributes.records import ItemAttribute
from engine.attributes.replies import MalformedReply, parse_object


class JudgeError(ValueError):
    """A judge cannot be built or used: an unknown name, a model folder that is not local."""


@dataclass(frozen=True)
class JudgeScore:
    """Three judgements in 0..1 and their mean; `overall` is what filters topics."""

    coherent: float
    plausible: float
    searchlike: float
    overall: float

    @classmethod
    def of(cls, coherent: float, plausible: float, searchlike: float) -> JudgeScore:
        parts = [min(1.0, max(0.0, float(x))) for x in (coherent, plausible, searchlike)]
        return cls(*parts, overall=sum(parts) / 3)


@runtime_checkable
class TopicJudge(Protocol):
    name: str

    def score(self, attributes: dict[str, str], title: str) -> JudgeScore: ...


def _check(attributes: Mapping[str, str], title: str) -> None:
    if not isinstance(attributes, Mapping) or not attributes:
        raise JudgeError(f"a topic needs at least one attribute, got {attributes!r}")
    if not isinstance(title, str):
        raise JudgeError(f"a topic title must be text, got {title!r}")


class OfflineJudge:
    """Scores without weights. coherent: how much more often the tuple's values co-occur on items than
    chance (mean pairwise PMI, squashed to 0..1; 0.5 without item data); plausible: the tuple's support
    (items carrying all of it; 0.5 without data); searchlike: title heuristics (2-6 words, every value
    named, the category last as in "yellow summer party dress", no punctuation)."""

    name = "default"

    def __init__(self, attributes: Iterable[ItemAttribute] = (), *, min_items: int = 3):
        by_item: dict[str, set[tuple[str, str]]] = {}
        for a in attributes:
            by_item.setdefault(a.item_id, set()).add((a.family, a.value))
        self._items = list(by_item.values())
        self._single = Counter(fv for fvs in self._items for fv in fvs)
        self._pairs = Counter(p for fvs in self._items for p in combinations(sorted(fvs), 2))
        self.min_items = min_items

    def _coherent(self, pairs: list[tuple[str, str]]) -> float:
        n = len(self._items)
        if not n or len(pairs) < 2:
            return 0.5
        pmis = []
        for a, b in combinations(sorted(pairs), 2):
            joint, pa, pb = self._pairs[(a, b)], self._single[a], self._single[b]
            if not joint or not pa or not pb:
                return 0.0  # never seen together: incoherent in this catalog
            pmis.append(math.log(joint * n / (pa * pb)))
        return 1 / (1 + math.exp(-(sum(pmis) / len(pmis) + 1)))  # PMI 0 (independent) -> 0.73

    def _plausible(self, pairs: list[tuple[str, str]]) -> float:
        if not self._items:
            return 0.5
        wanted = set(pairs)
        support = sum(1 for fvs in self._items if wanted <= fvs)
        return min(1.0, support / self.min_items)

    @staticmethod
    def _searchlike(attributes: Mapping[str, str], title: str) -> float:
        words = title.lower().split()
        if not words:
            return 0.0
        text = " ".join(words)
        checks = [2 <= len(words) <= 6,
                  all(str(v).lower() in text for v in attributes.values()),
                  "category" not in attributes or text.endswith(str(attributes["category"]).lower()),
                  all(w.replace("-", "").isalnum() for w in words)]
        return sum(checks) / len(checks)

    def score(self, attributes: dict[str, str], title: str) -> JudgeScore:
        _check(attributes, title)
        pairs = sorted((str(f), str(v)) for f, v in attributes.items())
        return JudgeScore.of(self._coherent(pairs), self._plausible(pairs), self._searchlike(attributes, title))


JUDGE_PROMPT = (
    "You judge candidate shopping collections. Attributes: {attributes}. Title: \"{title}\".\n"
    "Rate from 0 to 1: coherent (do the attributes fit together on one product?), plausible (would shoppers "
    "want this?), searchlike (is the title phrased like a search query?).\n"
    'Reply with JSON only: {{"coherent": 0.0, "plausible": 0.0, "searchlike": 0.0}}'
)


def judge_prompt(attributes: Mapping[str, str], title: str) -> str:
    listed = ", ".join(f"{f}={v}" for f, v in sorted(attributes.items()))
    return JUDGE_PROMPT.format(attributes=listed, title=title)


def parse_judgement(reply: str) -> JudgeScore:
    """A JudgeScore from a reply; MalformedReply when it lacks any of the three numbers in 0..1."""
    data = {str(k).strip().lower(): v for k, v in parse_object(reply).items()}
    parts = []
    for name in ("coherent", "plausible", "searchlike"):
        try:
            value = float(data[name])
        except (KeyError, TypeError, ValueError):
            raise MalformedReply(f"the judge reply has no number for {name!r}: {reply[:80]!r}") from None
        if not 0.0 <= value <= 1.0:
            raise MalformedReply(f"the judge reply's {name} is {value}, not in 0..1")
        parts.append(value)
    return JudgeScore.of(*parts)


class TransformersJudge:
    """Asks a local text-generation model; a malformed reply is counted and falls back to `fallback`."""

    name = "transformers"

    def __init__(self, model_path=None, *, model=None, fallback: TopicJudge | None = None, max_new_tokens: int = 60,
                 **_):
        if model is None:
            model = _TextModel(_local_folder(model_path), max_new_tokens)
        self.model = model
        self.fallback = fallback or OfflineJudge()
        self.malformed = 0

    def score(self, attributes: dict[str, str], title: str) -> JudgeScore:
        _check(attributes, title)
        try:
            return parse_judgement(self.model.generate(judge_prompt(attributes, title)))
        except MalformedReply:
            self.malformed += 1
            return self.fallback.score(attributes, title)


def _local_folder(path) -> Path:
    if path is None:
        raise JudgeError("the transformers judge needs model_path, a local folder with a text-generation model")
    folder = Path(path).expanduser()
    if not folder.is_dir() or not (folder / "config.json").is_file():
        raise FileNotFoundError(f"judge model folder {folder} not found or has no config.json; pass a local "
                                "transformers model folder (hub ids are not downloaded)")
    return folder


class _TextModel:
    def __init__(self, folder: Path, max_new_tokens: int):
        from transformers import pipeline

        self.pipe = pipeline("text-generation", model=str(folder), local_files_only=True, device="cpu")
        self.max_new_tokens = max_new_tokens

    def generate(self, prompt: str) -> str:
        out = self.pipe(prompt, max_new_tokens=self.max_new_tokens, return_full_text=False, do_sample=False)
        return str(out[0]["generated_text"])


JUDGES = {  # name -> (factory, one-line help)
    "default": (lambda attributes=(), **_: OfflineJudge(attributes),
                "offline: co-occurrence PMI of the tuple in item attributes, and title heuristics"),
    "transformers": (lambda model_path=None, attributes=(), **kw: TransformersJudge(
        model_path, fallback=OfflineJudge(attributes), **kw), "a local text-generation model folder"),
}
DEFAULT_JUDGE = "default"


def get_judge(name: str = DEFAULT_JUDGE, **options) -> TopicJudge:
    """The judge called `name`; options: attributes (curated ItemAttributes, for PMI), model_path."""
    if name not in JUDGES:
        raise JudgeError(f"unknown judge {name!r}; known judges are {', '.join(JUDGES)}")
    return JUDGES[name][0](**options)
