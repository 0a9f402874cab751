import pytest

from engine.models.engagement.checkpoint import (EngagementMeta, catalog_hash, load_engagement_model,
                                                 save_engagement)
from engine.models.engagement.model import EngagementModel
from engine.models.errors import CheckpointError, ModelMismatchError


def meta(ids=("a", "b")):
    model = EngagementModel(("x",), (0.0,), (1.0,), (0.5,), -1.0)
    return EngagementMeta(model=model.to_dict(), catalog_hash=catalog_hash(ids), propensities=[1.0, 0.5],
                          max_weight=10.0, label="long_click or saved", settings={}, metrics={}, trained_seconds=1.0,
                          train_impressions=10, held_out_impressions=2)


def test_round_trip(tmp_path):
    path = save_engagement(meta(), tmp_path / "models" / "engagement.json")
    loaded = load_engagement_model(path, catalog_hash(["b", "a"]))  # order does not matter
    assert loaded.model_obj == meta().model_obj and loaded.propensities == [1.0, 0.5]


def test_another_catalog_is_refused_naming_both_hashes_and_the_command(tmp_path):
    path = save_engagement(meta(), tmp_path / "models" / "engagement.json")
    other = catalog_hash(["a", "b", "c"])
    with pytest.raises(ModelMismatchError) as error:
        load_engagement_model(path, other)
    text = str(error.value)
    assert catalog_hash(["a", "b"]) in text and other in text and "workbench train engagement" in text


def test_missing_and_damaged_files(tmp_path):
    with pytest.raises(CheckpointError, match="missing.*workbench train engagement"):
        load_engagement_model(tmp_path / "engagement.json")
    bad = tmp_path / "engagement.json"
    bad.write_text("{not json")
    with pytest.raises(CheckpointError, match="damaged"):
        load_engagement_model(bad)
    with pytest.raises(ValueError, match="NAME.json"):
        save_engagement(meta(), tmp_path / "engagement.safetensors")


def test_the_reliability_table_travels_with_the_checkpoint_for_the_dashboard(tmp_path):
    from dataclasses import replace

    from engine.models.engagement.calibration import ReliabilityBin, reliability_of_checkpoint

    bins = [ReliabilityBin(0.0, 0.1, 40, 0.05, 0.04), ReliabilityBin(0.1, 0.2, 10, 0.15, 0.2)]
    with_table = save_engagement(replace(meta(), reliability=[b.to_dict() for b in bins]), tmp_path / "a.json")
    assert reliability_of_checkpoint(with_table) == bins
    assert reliability_of_checkpoint(save_engagement(meta(), tmp_path / "b.json")) == []
