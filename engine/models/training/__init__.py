"""Training programs for the models (kept apart from the library code that loads and runs them)."""
