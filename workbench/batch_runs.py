"""Run pipeline configs over a stored query set and record each ranked list in the judgment store.

The bridge between the engine (which knows nothing of judgments) and labels (which knows nothing of
models): used by `workbench eval run`, the demo and the app's Admin page.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

from engine.records import Query
from labels.records import ConfigRecord, QueryRecord, RunResult


@dataclass
class RunReport:
    """What `record_runs` stored, and the queries it could not run (with why)."""

    runs: int = 0
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (config, query_id, error)
    notices: list[tuple[str, str, str]] = field(default_factory=list)  # (config, query_id, notice): stored, worth a look
    timings_ms: dict[str, list[dict[str, float]]] = field(default_factory=dict)  # config -> per query stages

    def summary(self) -> str:
        lines = [f"recorded {self.runs} runs" + (f"; {len(self.failed)} failed" if self.failed else "")]
        lines += [f"  {config} {query}: {error}" for config, query, error in self.failed[:10]]
        if self.notices:
            lines.append(f"{len(self.notices)} notices:")
            lines += [f"  {config} {query}: {notice}" for config, query, notice in self.notices[:10]]
        return "\n".join(lines)


def query_of(record: QueryRecord) -> Query:
    """The engine's Query for a stored query record."""
    return Query(text=record.text or "", item_id=record.image_item_id, image_path=record.image_path,
                 crop=tuple(record.crop) if record.crop is not None else None)


def config_record(config) -> ConfigRecord:
    """How a PipelineConfig is stored: name, content hash, full JSON."""
    return ConfigRecord(config.name, config.content_hash(), json.dumps(config.to_dict(), sort_keys=True))


def versions(context, config=None) -> tuple[str, str]:
    """(model_version, index_version) of a SearchContext: the models' keys and the table's version
    (an external config's models are its own: "external:KIND")."""
    if getattr(config, "kind", "pipeline") != "pipeline":
        return f"external:{config.kind}", f"lancedb:{context.table.version}"
    model = f"{context.clip.identity.key()}+{context.text_encoder.identity.key()}"
    return model, f"lancedb:{context.table.version}"


def stored_breakdown(result) -> dict[str, float]:
    """The breakdown as stored with a run: empty for an external config's results (their parts are unknown)."""
    from engine.external import has_breakdown

    return {n: float(v) for n, v in asdict(result.breakdown).items()} if has_breakdown(result) else {}


def check_ready(configs: Sequence) -> None:
    """Before any run is stored: each external config's headers can be filled (an unset ${VAR} stops here)."""
    for config in configs:
        if getattr(config, "kind", "pipeline") == "http":
            config.header_values()


@dataclass
class RunOutcome:
    """One query through one config: the ranked list to store, or why there is none."""

    results: list[RunResult] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    error: str | None = None  # the query failed (reported, the batch goes on)
    unreachable: str | None = None  # an external endpoint did not answer (the batch stops)

    def to_json(self) -> str:
        """A text form that travels between processes; floats come back bit-identical."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> RunOutcome:
        data = json.loads(text)
        return cls(**{**data, "results": [RunResult(**r) for r in data["results"]]})


def search_outcome(context, config, query: QueryRecord, k: int) -> RunOutcome:
    """Search one query with one config and keep what a run stores (the local runner's step, and a Ray actor's)."""
    from engine.external import EndpointUnreachable
    from engine.pipeline.search import search

    try:
        response = search(context, query_of(query), config, k)
    except EndpointUnreachable as error:
        return RunOutcome(unreachable=str(error))
    except (ValueError, FileNotFoundError) as error:
        return RunOutcome(error=str(error))
    return RunOutcome([RunResult(r.rank, r.item_id, float(r.score), stored_breakdown(r)) for r in response.results],
                      list(getattr(response, "notices", ())), dict(response.timings_ms))


def record_runs(context, store, queries: Sequence[QueryRecord], configs: Sequence, *, k: int = 10,
                progress: Callable[[int, int], None] | None = None, runner=None) -> RunReport:
    """Search every query with every config and store the top k as a run; a failing query is reported, not fatal.

    An external endpoint that nothing answers at stops the batch (EndpointUnreachable, naming it): the runs
    stored before stay, and no empty run is ever recorded for it. `runner(configs, queries, k)` (e.g.
    workbench/ray_runs.py's) returns every {(config index, query index): RunOutcome} at once; by default each
    query is searched here, in turn."""
    from engine.external import EndpointUnreachable

    if not queries:
        raise ValueError("no queries to run; add queries to the query set first")
    check_ready(configs)
    outcomes = runner(configs, queries, k) if runner is not None else None
    report = RunReport()
    total, done = len(queries) * len(configs), 0
    for c, config in enumerate(configs):
        model_version, index_version = versions(context, config)
        record = config_record(config)
        report.timings_ms[config.name] = []
        for q, query in enumerate(queries):
            outcome = outcomes[c, q] if outcomes is not None else search_outcome(context, config, query, k)
            if outcome.unreachable is not None:
                raise EndpointUnreachable(f"{outcome.unreachable}. The batch stopped after recording {report.runs} "
                                          "runs; run it again once the service answers")
            if outcome.error is not None:
                report.failed.append((config.name, query.query_id, outcome.error))
            else:
                report.notices += [(config.name, query.query_id, n) for n in outcome.notices]
                store.record_run(record, query.query_id, outcome.results, model_version=model_version,
                                 index_version=index_version)
                report.timings_ms[config.name].append(outcome.timings_ms)
                report.runs += 1
            done += 1
            if progress:
                progress(done, total)
    return report
