"""Which trained models a config needs, and the message that names what a workspace lacks."""

from __future__ import annotations

from engine.pipeline.config import load_config
from engine.pipeline.requirements import (ENGAGEMENT, RELEVANCE, SEARCHSAGE, missing_models,
                                          missing_models_message, required_models)
from engine.workspace import Workspace


def test_checkpoint_names_are_the_ones_the_trainers_write():
    from engine.models.engagement.checkpoint import CHECKPOINT_NAME as engagement
    from engine.models.relevance.checkpoint import STUDENT_NAME as relevance
    from engine.models.searchsage.checkpoint import CHECKPOINT_NAME as searchsage

    assert (SEARCHSAGE.checkpoint, RELEVANCE.checkpoint, ENGAGEMENT.checkpoint) == (searchsage, relevance, engagement)


def test_full_needs_all_three_models_and_each_ablation_one_fewer():
    assert required_models(load_config("full")) == [SEARCHSAGE, RELEVANCE, ENGAGEMENT]
    assert required_models(load_config("full_standins")) == []
    assert required_models(load_config("baseline")) == []
    assert required_models(load_config("full_standin_cg")) == [RELEVANCE, ENGAGEMENT]
    assert required_models(load_config("full_standin_relevance")) == [SEARCHSAGE, ENGAGEMENT]
    assert required_models(load_config("full_standin_engagement")) == [SEARCHSAGE, RELEVANCE]


def test_missing_models_are_named_with_the_command_that_makes_them(tmp_path):
    workspace = Workspace(tmp_path).create()
    full = load_config("full")
    assert missing_models(full, workspace) == [SEARCHSAGE, RELEVANCE, ENGAGEMENT]
    (workspace.models_dir).mkdir(parents=True, exist_ok=True)
    (workspace.models_dir / ENGAGEMENT.checkpoint).write_text("{}")
    message = missing_models_message(full, workspace)
    assert "searchsage, relevance models" in message and "workbench train searchsage --home" in message
    assert "workbench train engagement" not in message and "full_standins" in message
    assert missing_models_message(load_config("full_standins"), workspace) is None
