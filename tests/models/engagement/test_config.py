import pytest

from engine.pipeline.config import ConfigError, PipelineConfig, load_config


def base():
    return {"name": "t", "generators": [{"cg": "text"}], "relevance": "text_similarity"}


def test_learned_parses_from_toml_and_round_trips(tmp_path):
    path = tmp_path / "learned.toml"
    path.write_text('engagement = "learned"\n[[generators]]\ncg = "text"\n')
    config = load_config(path)
    assert config.engagement == "learned"
    assert PipelineConfig.from_dict(config.to_dict()).engagement == "learned"
    assert load_config("full_standins").engagement == "coec" and load_config("full").engagement == "learned"


def test_unknown_engagement_lists_the_known_ones():
    with pytest.raises(ConfigError, match="unknown engagement scorer 'clicks'; known: coec, learned"):
        PipelineConfig.from_dict({**base(), "engagement": "clicks"})


def test_coec_keeps_the_hash_of_a_config_without_the_setting():
    without = PipelineConfig.from_dict(base())
    explicit = PipelineConfig.from_dict({**base(), "engagement": "coec"})
    learned = PipelineConfig.from_dict({**base(), "engagement": "learned"})
    assert explicit.content_hash() == without.content_hash()
    assert learned.content_hash() != without.content_hash()
