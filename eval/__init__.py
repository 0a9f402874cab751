"""Offline metrics over judgments (read-only). Metric kernels are pure functions over arrays."""
