"""`workbench eval run --runner ray`: the (config, query) searches spread over Ray actors through Ray Data.

Each actor opens the workspace's SearchContext once (models, index, vocabulary) and searches its batches
with `batch_runs.search_outcome`, the local runner's own step; the driver stores every run in order, as
`record_runs` does locally: the same runs (scores to float rounding, as torch's thread count differs).
On a cluster every worker reads the workspace (index, models, configs) at the same path. Ray is optional: `pip install 'relevance-workbench[ray]'`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

from engine.attributes.batch.ray_runner import import_ray
from labels.records import QueryRecord
from workbench.batch_runs import RunOutcome, search_outcome


def query_text(query: QueryRecord) -> str:
    return json.dumps(asdict(query))


def query_from_text(text: str) -> QueryRecord:
    data = json.loads(text)
    return QueryRecord(**{**data, "crop": tuple(data["crop"]) if data["crop"] is not None else None})


class SearchActor:
    """Searches in a Ray actor: the workspace's SearchContext is opened once, in __init__."""

    def __init__(self, root: str, configs: Sequence, k: int, external_only: bool):
        from engine.workspace import Workspace

        workspace = Workspace(Path(root))
        if external_only:  # no model needs loading
            from engine.external.catalog_context import catalog_context

            self.context = catalog_context(workspace)
        else:
            from engine.pipeline.context import SearchContext

            self.context = SearchContext.open(workspace)
        self.configs, self.k = list(configs), k

    def __call__(self, batch: Mapping) -> dict:
        outcomes = [search_outcome(self.context, self.configs[int(c)], query_from_text(str(q)), self.k).to_json()
                    for c, q in zip(batch["config"], batch["query"])]
        return {"config": np.asarray(batch["config"]), "index": np.asarray(batch["index"]),
                "outcome": np.array(outcomes, dtype=object)}


class RaySearchRunner:
    """`record_runs(..., runner=RaySearchRunner(root))`: every (config, query) searched in `concurrency` actors."""

    def __init__(self, root: Path, *, external_only: bool = False, batch_size: int = 16, concurrency: int = 1,
                 num_gpus: float = 0, init: dict | None = None, actor_cpus: float = 1):
        if batch_size < 1 or concurrency < 1:
            raise ValueError(f"batch size ({batch_size}) and concurrency ({concurrency} search actors) must be "
                             "at least 1")
        import_ray()  # fail before any search when Ray is absent
        self.root, self.external_only = str(Path(root).resolve()), external_only
        self.batch_size, self.concurrency, self.num_gpus, self.init = batch_size, concurrency, num_gpus, init
        self.actor_cpus = actor_cpus

    def __call__(self, configs: Sequence, queries: Sequence[QueryRecord], k: int) -> dict[tuple[int, int], RunOutcome]:
        ray = import_ray()
        if not ray.is_initialized():
            ray.init(**({"include_dashboard": False, "log_to_driver": False} | (self.init or {})))
        rows = [{"config": c, "index": q, "query": query_text(query)}
                for c in range(len(configs)) for q, query in enumerate(queries)]
        ds = ray.data.from_items(rows).map_batches(
            SearchActor, fn_constructor_args=(self.root, list(configs), k, self.external_only),
            batch_size=self.batch_size, batch_format="numpy", compute=ray.data.ActorPoolStrategy(size=self.concurrency),
            num_gpus=self.num_gpus, num_cpus=self.actor_cpus)
        return {(int(c), int(q)): RunOutcome.from_json(str(o))
                for b in ds.iter_batches(batch_size=None, batch_format="numpy")
                for c, q, o in zip(b["config"], b["index"], b["outcome"])}
