"""A reading below the calibrated threshold is shown as uncertain and never boosts or fills (issue 20)."""

from __future__ import annotations

import json

import pytest

from engine.features.item_attributes import split_reading, tagger_threshold
from engine.records import Candidate
from engine.rerank import CgBoostConfig, CompositeWeights, RerankConfig, rerank
from engine.workspace import Workspace
from tests.rerank.fixtures import understood

THRESHOLD = 0.4
W5 = 0.5


def read(item_id: str, image_sim: float, reading: dict) -> Candidate:
    """A candidate as add_features makes it from a reading {family: (value, confidence)}."""
    attributes, uncertain, confidence = split_reading(reading, THRESHOLD)
    return Candidate(item_id, attributes=attributes, uncertain_attributes=uncertain, attribute_confidence=confidence,
                     features={"image_sim": image_sim})


def test_split_reading_keeps_the_threshold_itself_and_every_confidence():
    reading = {"color": ("red", 0.4), "pattern": ("floral", 0.39), "category": ("dress", 0.9)}
    assert split_reading(reading, THRESHOLD) == ({"color": "red", "category": "dress"}, {"pattern": "floral"},
                                                 {"color": 0.4, "pattern": 0.39, "category": 0.9})


def test_a_low_confidence_reading_neither_boosts_nor_fills():
    # "in floral": the plaid dress read as floral at 0.3 must not overtake; the confident floral one is boosted
    candidates = [read("plaid", 0.5, {"pattern": ("floral", 0.3)}),
                  read("floral", 0.4, {"pattern": ("floral", 0.8)}),
                  read("solid", 0.6, {"pattern": ("solid", 0.9)})]
    config = RerankConfig(reranker="composite", weights=CompositeWeights(w1=1.0, w2=0.0, w3=0.0, w4=0.0, w5=W5),
                          cg_boost=CgBoostConfig(enabled=False), fill_positions=1)
    results = {r.item_id: r for r in rerank(candidates, understood(pattern="floral"), config)}
    assert results["plaid"].breakdown.attribute_boost == 1.0
    assert results["floral"].breakdown.attribute_boost == 1.0 + W5 * 0.8
    assert results["floral"].score == pytest.approx(0.4 * (1.0 + W5 * 0.8))
    assert [r.item_id for r in sorted(results.values(), key=lambda r: r.rank)] == ["floral", "solid", "plaid"]
    assert not results["plaid"].filled and results["plaid"].attributes == {}
    assert results["plaid"].uncertain_attributes == {"pattern": "floral"}
    assert results["plaid"].attribute_confidence == {"pattern": 0.3}


def test_the_tagger_threshold_is_its_calibrations_target_precision(tmp_path):
    from engine.attributes.tagger_checkpoint import workspace_checkpoint
    from engine.models.checkpoint_files import meta_path

    workspace = Workspace(tmp_path)
    assert tagger_threshold(workspace) is None
    path = meta_path(workspace_checkpoint(workspace))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"calibration": {"target_precision": 0.8}}))
    assert tagger_threshold(workspace) == 0.8
