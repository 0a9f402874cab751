"""Batch attribute assignment: CPU preprocessing and model inference as overlapping streaming stages."""

from engine.attributes.batch.job import RUNNERS, BatchAssignReport, UnknownRunnerError, batch_assign, run_job
from engine.attributes.batch.ray_runner import RayMissingError
from engine.attributes.batch.stages import ModelSpec, infer, load_models, preprocess

__all__ = ["RUNNERS", "BatchAssignReport", "ModelSpec", "RayMissingError", "UnknownRunnerError", "batch_assign",
           "infer", "load_models", "preprocess", "run_job"]
