"""The `learned` relevance scorer: the distilled student over cheap features, expected grade / 4 in 0..1."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from engine.models.relevance.checkpoint import catalog_hash, load_student, workspace_student
from engine.models.relevance.features import context_features

CACHE_KEY = "relevance_student"


def student_for(context):
    """The workspace's student, loaded once into context.cache and checked against its catalog."""
    if CACHE_KEY not in context.cache:
        path = workspace_student(context.workspace)
        try:
            student, _ = load_student(path, data_hash=catalog_hash(context.items))
        except ValueError as exc:  # CheckpointError / ModelMismatchError: name the workspace to train in
            raise type(exc)(f"{exc} (`workbench train relevance --home {context.workspace.root}`)") from None
        context.cache[CACHE_KEY] = student
    return context.cache[CACHE_KEY]


def learned_relevance(context, understood, item_ids: Sequence[str]) -> np.ndarray:
    """The student's expected grade / 4 per item."""
    if not item_ids:
        return np.zeros(0, np.float32)
    student = student_for(context)
    return (student.expected_grade(context_features(context, understood, item_ids)) / 4.0).astype(np.float32)
