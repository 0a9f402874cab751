"""The search pipeline: understand -> generate (multi-fetch) -> rerank -> results."""
