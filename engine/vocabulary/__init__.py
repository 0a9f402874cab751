"""The workspace's attribute vocabulary: one typed record read by every stage (see records.py)."""

from engine.vocabulary.counts import ValueCounts, count_values, workspace_value_counts
from engine.vocabulary.edit import EDITS, add_form, apply_edit, drop_value, merge_value, refresh_after_edit, rename_value
from engine.vocabulary.errors import VocabularyError
from engine.vocabulary.from_columns import item_extras, merge_vocabularies, vocabulary_from_columns
from engine.vocabulary.learn import LearnReport, vocabulary_from_curated
from engine.vocabulary.overview import recorded_hashes, vocabulary_overview
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
    "EDITS", "LearnReport", "ValueCounts", "add_form", "apply_edit", "count_values", "drop_value", "item_extras",
    "merge_value", "merge_vocabularies", "refresh_after_edit", "rename_value", "vocabulary_from_columns",
    "vocabulary_from_curated", "workspace_value_counts", "recorded_hashes", "vocabulary_overview",
    "DEFAULT_PIVOT", "EMPTY", "FILE_NAME", "HOW_TO_GET_ONE", "REFRESH_COMMANDS", "AttributeFamily", "AttributeValue",
    "StaleStage", "Vocabulary", "VocabularyError", "check_vocabulary", "dump_vocabulary", "load_workspace_vocabulary",
    "parse_vocabulary", "phrase_key", "read_vocabulary_file", "save_workspace_vocabulary", "stale_stages",
    "vocabulary_path",
]
