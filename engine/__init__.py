"""The retrieval, reranking and attribute-tagging engine. Imports no Streamlit and no DuckDB."""

from engine.workspace import Workspace

__all__ = ["Workspace"]
