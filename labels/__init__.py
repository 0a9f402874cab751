"""The judgment store: every write to DuckDB goes through this package."""

from labels.errors import (
    ConflictError,
    EmptyQuerySetError,
    LabelOutOfRangeError,
    NoRunsError,
    QrelsOverlapError,
    RaterRemovedError,
    ReadOnlyStoreError,
    SchemaVersionError,
    StoreLockedError,
    StoreNotFoundError,
    UnknownNameError,
)
from labels.records import (
    ConfigRecord,
    GoldAnswer,
    Judgment,
    PoolReport,
    QueryRecord,
    QuerySet,
    Rater,
    RunResult,
    Task,
)
from labels.scales import LABEL_SCALES, MODES
from labels.simulated_raters import DEFAULT_PANEL, RaterProfile, simulate_judgments
from labels.store import JudgmentStore, open_store, snapshot

__all__ = [
    "DEFAULT_PANEL",
    "LABEL_SCALES",
    "MODES",
    "ConfigRecord",
    "ConflictError",
    "EmptyQuerySetError",
    "GoldAnswer",
    "Judgment",
    "JudgmentStore",
    "LabelOutOfRangeError",
    "NoRunsError",
    "QrelsOverlapError",
    "PoolReport",
    "QueryRecord",
    "QuerySet",
    "Rater",
    "RaterProfile",
    "RaterRemovedError",
    "ReadOnlyStoreError",
    "RunResult",
    "SchemaVersionError",
    "StoreLockedError",
    "StoreNotFoundError",
    "Task",
    "UnknownNameError",
    "open_store",
    "simulate_judgments",
    "snapshot",
]
