"""Typed records that cross the judgment store's boundary (frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

QUERY_TYPES: tuple[str, ...] = ("descriptor", "pivot", "text", "image")
ROLES: tuple[str, ...] = ("rater", "researcher", "admin")


@dataclass(frozen=True)
class Rater:
    """A person (or simulated person) who judges; the credential hash never leaves the store."""

    rater_id: str
    name: str
    role: str  # one of ROLES
    simulated: bool
    created_at: datetime  # UTC


@dataclass(frozen=True)
class QuerySet:
    """A named list of queries that runs and task pools are made over."""

    name: str
    description: str


@dataclass(frozen=True)
class QueryRecord:
    """One evaluation query: an image (a catalog item or a path, optionally cropped), text, or both."""

    query_id: str  # unique across query sets
    query_set: str
    query_type: str  # one of QUERY_TYPES
    text: str | None = None
    image_item_id: str | None = None  # the reference image as a catalog item
    image_path: str | None = None  # or as a file path
    crop: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1 of the reference image
    target_attributes: dict[str, str] = field(default_factory=dict)  # what the text asks for, by family


@dataclass(frozen=True)
class ConfigRecord:
    """A pipeline configuration as run: its name, its stable hash and its full JSON text."""

    name: str
    config_hash: str
    config_json: str


@dataclass(frozen=True)
class RunResult:
    """One ranked result of a run, with the score breakdown the reranker produced."""

    rank: int  # 1-based
    item_id: str
    score: float
    breakdown: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Task:
    """One (query, item) pair to judge; it carries no trace of the configs that retrieved it."""

    task_id: int
    query_id: str
    item_id: str
    mode: str  # "graded" (0..4) or "binary" (0/1)
    is_gold: bool


@dataclass(frozen=True)
class Judgment:
    """One rater's label for one task; a later judgment of the same task by the same rater supersedes it."""

    task_id: int
    rater_id: str
    label: int
    mode: str
    seconds_spent: float
    comment: str | None
    is_gold: bool
    judged_at: datetime  # UTC
    judgment_id: int


@dataclass(frozen=True)
class GoldAnswer:
    """A (query, item) pair whose expected label is known, mixed into pools to check raters."""

    query_id: str
    item_id: str
    mode: str
    expected_label: int
    note: str | None = None


@dataclass(frozen=True)
class PoolReport:
    """What `build_task_pool` did."""

    pool_id: int
    query_set: str
    config_names: tuple[str, ...]
    mode: str
    k: int
    overlap: int  # judgments wanted per regular task; gold tasks go to every rater once
    seed: int
    n_queries: int  # queries of the set with at least one run among the configs
    n_pooled: int  # (config, query, item) results in the top k, before deduplication
    n_tasks: int  # distinct (query, item) regular tasks in the pool
    n_new_tasks: int  # of which not already pooled by an earlier pool (they are reused)
    n_gold: int  # gold tasks mixed in
