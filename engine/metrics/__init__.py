"""Metric kernels shared by the engine's model evaluations and eval/ (arrays in, numbers out)."""

from engine.metrics.kappa import cohen_kappa_quadratic

__all__ = ["cohen_kappa_quadratic"]
