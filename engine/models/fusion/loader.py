"""The fusion model for a search: the workspace's own checkpoint, else the committed sample one, loaded once."""

from __future__ import annotations

from pathlib import Path

from engine.models.fusion.checkpoint import COMMITTED_CHECKPOINT, FUSION_MODEL_NAME, load_fusion, read_fusion_meta

CACHE_KEY = "fusion_model"


def workspace_checkpoint(workspace) -> Path:
    """Where `workbench train fusion` writes by default: WORKSPACE/models/workbench-fusion.safetensors."""
    return workspace.models_dir / f"{FUSION_MODEL_NAME}.safetensors"


def recorded_vocabulary(workspace) -> dict[str, str | None]:
    """{"fusion": the vocabulary hash the workspace's own checkpoint was mined with (None: before vocabularies)},
    or {} without one: what engine.vocabulary.stale_stages reads."""
    path = workspace_checkpoint(workspace)
    if not path.is_file():
        return {}
    return {"fusion": read_fusion_meta(path).vocabulary_hash or None}


def fusion_for(context):
    """The Combiner for a SearchContext, kept in context.cache; ModelMismatchError when it was trained over
    another open_clip model than the one that made the index."""
    if CACHE_KEY not in context.cache:
        own = workspace_checkpoint(context.workspace)
        path = own if own.is_file() else COMMITTED_CHECKPOINT
        try:
            model, _ = load_fusion(path, expected_identity=context.clip.identity.key())
        except ValueError as exc:  # CheckpointError / ModelMismatchError: say which workspace to train for
            raise type(exc)(f"{exc} (e.g. `workbench train fusion --home {context.workspace.root}`)") from None
        context.cache[CACHE_KEY] = model
    return context.cache[CACHE_KEY]
