"""Pipeline configs: the built-in files load, the hash is stable and covers what changes results."""

import pytest

from engine.pipeline.config import BUILTIN_DIR, ConfigError, GeneratorCalls, PipelineConfig, known_configs, load_config
from engine.rerank import RerankConfig
from engine.workspace import Workspace

REQUIRED = {"baseline", "full", "full_standins", "full_standin_cg", "full_standin_relevance", "full_standin_engagement",
            "no_early_fusion", "no_fill", "rrf"}


def test_the_built_in_configs_load_and_differ():
    assert REQUIRED <= set(known_configs())
    configs = {name: load_config(name) for name in REQUIRED}
    assert len({c.content_hash() for c in configs.values()}) == len(REQUIRED)
    baseline, full = configs["baseline"], configs["full"]
    assert [cg for cg, _ in baseline.calls()] == ["text"] and baseline.rerank.fill_positions == 0
    assert {cg for cg, _ in full.calls()} == {"learned", "late_fusion", "early_fusion", "lexical"}
    assert (full.relevance, full.engagement) == ("learned", "learned")
    # full_standins is full with every learned part swapped back, and only that
    standins = configs["full_standins"]
    assert [cg for cg, _ in standins.calls()] == ["text" if cg == "learned" else cg for cg, _ in full.calls()]
    assert (standins.relevance, standins.engagement) == ("text_similarity", "coec")
    assert standins.rerank == full.rerank and standins.fetch_k == full.fetch_k
    assert [p["alpha"] for cg, p in full.calls() if cg == "late_fusion"] == [0.3, 0.5, 0.7]
    assert full.rerank.reranker == "composite" and full.rerank.fill_positions == 8
    assert "early_fusion" not in {cg for cg, _ in configs["no_early_fusion"].calls()}
    assert configs["rrf"].rerank.reranker == "rrf"


def test_the_hash_ignores_names_and_spelled_out_defaults_but_not_settings():
    a = PipelineConfig("a", (GeneratorCalls("text"),))
    b = PipelineConfig("b", (GeneratorCalls("text", ({"use_enriched": True},)),), description="same thing")
    c = PipelineConfig("c", (GeneratorCalls("text"),), rerank=RerankConfig(fill_positions=3))
    assert a.content_hash() == b.content_hash() != c.content_hash()
    assert len(a.content_hash()) == 16
    assert a.content_hash() == PipelineConfig.from_dict(a.to_dict()).content_hash()  # round trip


def test_a_workspace_config_shadows_and_adds(tmp_path):
    ws = Workspace(tmp_path)
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "mine.toml").write_text('[[generators]]\ncg = "lexical"\n')
    assert "mine" in known_configs(ws)
    assert load_config("mine", ws).calls() == [("lexical", {"use_enriched": True})]


@pytest.mark.parametrize("text, message", [
    ('[[generators]]\ncg = "magic"\n', "unknown candidate generator 'magic'; known: text, late_fusion"),
    ('[[generators]]\ncg = "late_fusion"\nparams = [{beta = 1}]\n', "no parameters \\['beta'\\]"),
    ('fetch_k = 0\n[[generators]]\ncg = "text"\n', "fetch_k = 0"),
    ('colour = 1\n[[generators]]\ncg = "text"\n', "unknown settings \\['colour'\\]"),
    ('relevance = "psychic"\n[[generators]]\ncg = "text"\n', "unknown relevance scorer 'psychic'"),
    ('[rerank]\nreranker = "coin"\n[[generators]]\ncg = "text"\n', "unknown reranker 'coin'"),
    ('[[generators]\n', "not valid TOML"),
    ('description = "nothing to run"\n', "lists no generators"),
])
def test_bad_config_files_name_the_file_and_the_setting(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=message) as info:
        load_config(path)
    assert "bad" in str(info.value)


def test_an_unknown_config_name_lists_the_known_ones():
    with pytest.raises(ConfigError, match="unknown config 'fulll'; known: .*baseline.*full"):
        load_config("fulll")
    assert (BUILTIN_DIR / "full.toml").is_file()
