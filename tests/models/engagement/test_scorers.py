from types import SimpleNamespace

import pytest

from engine.features.engagement import ENGAGEMENT_SCORERS, engagement_feature, get_engagement_scorer
from engine.features.signals import engagement_feature as reexported


class FakeContext:
    def __init__(self, items, root):
        self.items = items
        self.cache = {}
        self.workspace = SimpleNamespace(root=root, models_dir=root / "models")

    def item(self, item_id):
        return self.items[item_id]


def test_coec_scorer_gives_the_old_values_exactly(tmp_path):
    items = {"a": {"engagement": 1.0}, "b": {"engagement": 3.0}, "c": {"engagement": None}, "d": {},
             "e": {"engagement": -2.0}}
    scores = get_engagement_scorer("coec").score(FakeContext(items, tmp_path), None, list(items))
    # the formula engine/features/signals.py applied before the registry: r / (1 + r), missing -> 1, negative -> 0
    assert scores.tolist() == [1.0 / 2.0, 3.0 / 4.0, 1.0 / 2.0, 1.0 / 2.0, 0.0]
    assert reexported is engagement_feature


def test_unknown_scorer_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown engagement scorer 'clicks'; known: coec, learned"):
        get_engagement_scorer("clicks")
    assert set(ENGAGEMENT_SCORERS) == {"coec", "learned"}


def test_learned_without_a_checkpoint_names_the_training_command(tmp_path):
    context = FakeContext({"a": {}}, tmp_path)
    with pytest.raises(FileNotFoundError, match="workbench train engagement --home"):
        get_engagement_scorer("learned").score(context, None, ["a"])


def test_without_a_search_log_the_coec_term_is_neutral(tmp_path):
    from engine.index.engagement import NO_ENGAGEMENT

    # what `workbench index` writes for every item when there is no log, and an items table without the column
    items = {"indexed": {"engagement": NO_ENGAGEMENT.rate}, "bare": {}}
    scores = get_engagement_scorer("coec").score(FakeContext(items, tmp_path), None, list(items))
    assert scores.tolist() == [0.5, 0.5]
    with pytest.raises(FileNotFoundError, match="neutral without a log"):
        get_engagement_scorer("learned").score(FakeContext(items, tmp_path), None, ["bare"])
