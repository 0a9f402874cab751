"""Imported runs (`eval import-run`) answering like configs: a stored query's ranking read back from the store,
so Compare's side-by-side and blind preferences treat them as any config (they cannot search a new query)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import ClassVar

RUN_FILE = "run_file"  # the "kind" of an imported run's stored config JSON


@dataclass(frozen=True)
class StoredRunConfig:
    """An imported run as a config: its name and the hash it was stored under."""

    kind: ClassVar[str] = RUN_FILE
    name: str
    config_hash: str
    description: str = "an imported run file"

    def content_hash(self) -> str:
        return self.config_hash

    def to_dict(self) -> dict:
        return {"kind": self.kind, "name": self.name, "hash": self.config_hash}


def imported_configs(store) -> dict[str, StoredRunConfig]:
    """name -> config of every imported run in the store (its latest hash)."""
    found = {}
    for record in store.configs():
        try:
            kind = json.loads(record.config_json).get("kind")
        except (ValueError, AttributeError):
            continue
        if kind == RUN_FILE:
            found[record.name] = StoredRunConfig(record.name, record.config_hash)
    return found


def stored_response(store, context, record, config: StoredRunConfig, k: int):
    """The config's stored ranking of a stored query as a SearchResponse (no breakdown; sources say "run_file")."""
    from engine.external.http_search import NO_BREAKDOWN, understood_of
    from engine.pipeline.search import SearchResponse
    from engine.records import Result, Source
    from workbench.batch_runs import query_of

    frame = store.run_results_frame([config.name])
    rows = frame[frame["query_id"] == record.query_id].sort_values("rank").head(k)
    if rows.empty:
        raise ValueError(f"config {config.name!r} (an imported run) has no ranking for query {record.query_id!r}; "
                         "pick a query its run file covers, or import a run that covers this one")
    items = context.items if context is not None else {}
    results = tuple(Result(rank=int(r.rank), item_id=r.item_id, score=float(r.score), breakdown=NO_BREAKDOWN,
                           sources=(Source(RUN_FILE, {}, int(r.rank), float(r.score)),),
                           attributes=dict(items.get(r.item_id, {}).get("attributes") or {}))
                    for r in rows.itertuples())
    return SearchResponse(understood_of(context, query_of(record)), config, results, {"total": 0.0}, len(rows))
