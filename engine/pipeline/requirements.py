"""Which trained models a pipeline config needs, and which of them a workspace lacks.

The `learned` CG, relevance term and engagement term read checkpoints that `workbench train ...` writes
into the workspace. Asking before a search lets a page or command say "train X first" for a config
instead of failing mid-query, and lets the demo know what to train.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ModelRequirement:
    model: str  # searchsage | relevance | engagement
    checkpoint: str  # file under WORKSPACE/models/
    command: str  # how to make it


SEARCHSAGE = ModelRequirement("searchsage", "searchsage.safetensors", "workbench train searchsage")
RELEVANCE = ModelRequirement("relevance", "relevance-student.safetensors", "workbench train relevance")
ENGAGEMENT = ModelRequirement("engagement", "engagement.json", "workbench train engagement")


def checkpoint_path(workspace, requirement: ModelRequirement) -> Path:
    """Where a required model's checkpoint lives in a workspace."""
    return Path(workspace.models_dir) / requirement.checkpoint


def has_model(workspace, requirement: ModelRequirement) -> bool:
    return checkpoint_path(workspace, requirement).is_file()


def required_models(config) -> list[ModelRequirement]:
    """The trained models a config's CGs, relevance and engagement terms read, in that order."""
    needed = []
    if getattr(config, "kind", "pipeline") != "pipeline":  # an external system brings its own models
        return needed
    if any(cg == "learned" for cg, _ in config.calls()):
        needed.append(SEARCHSAGE)
    if config.relevance == "learned":
        needed.append(RELEVANCE)
    if config.engagement == "learned":
        needed.append(ENGAGEMENT)
    return needed


def missing_models(config, workspace) -> list[ModelRequirement]:
    """The required models whose checkpoint is not in WORKSPACE/models/."""
    return [r for r in required_models(config) if not has_model(workspace, r)]


def missing_models_message(config, workspace) -> str | None:
    """One sentence naming what to train before searching with `config`, or None when nothing is missing."""
    missing = missing_models(config, workspace)
    if not missing:
        return None
    commands = "; ".join(f"`{r.command} --home {workspace.root}`" for r in missing)
    return (f"config {config.name!r} needs trained {', '.join(r.model for r in missing)} model"
            f"{'s' if len(missing) > 1 else ''} that workspace {workspace.root} lacks; run {commands}, "
            f"or choose `full_standins`, which needs none")
