"""The workspace's attribute vocabulary: one typed record read by every stage (see records.py)."""

from engine.vocabulary.errors import VocabularyError
from engine.vocabulary.records import (
    DEFAULT_PIVOT,
    EMPTY,
    AttributeFamily,
    AttributeValue,
    Vocabulary,
    check_vocabulary,
    phrase_key,
)
from engine.vocabulary.stale import REFRESH_COMMANDS, StaleStage, stale_stages
from engine.vocabulary.toml_file import dump_vocabulary, parse_vocabulary, read_vocabulary_file
from engine.vocabulary.workspace_file import (
    FILE_NAME,
    HOW_TO_GET_ONE,
    load_workspace_vocabulary,
    save_workspace_vocabulary,
    vocabulary_path,
)

__all__ = [
    "DEFAULT_PIVOT", "EMPTY", "FILE_NAME", "HOW_TO_GET_ONE", "REFRESH_COMMANDS", "AttributeFamily", "AttributeValue",
    "StaleStage", "Vocabulary", "VocabularyError", "check_vocabulary", "dump_vocabulary", "load_workspace_vocabulary",
    "parse_vocabulary", "phrase_key", "read_vocabulary_file", "save_workspace_vocabulary", "stale_stages",
    "vocabulary_path",
]
