"""Run configs over a stored query set from the app (as `workbench eval run` does), with the app's loaded models."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from engine.workspace import Workspace
from workbench import search_state
from workbench.batch_runs import RunReport, check_ready, record_runs


def runnable_configs(workspace: Workspace) -> list[str]:
    """Configs that can search (built-in, the workspace's own, http endpoints); imported runs cannot run again."""
    from engine.pipeline.config import known_configs

    return known_configs(workspace)


def run_configs(workspace: Workspace, store, query_set: str, config_names: Sequence[str], *, k: int,
                progress: Callable[[int, int], None] | None = None) -> RunReport:
    """Every query of the set through every config, each top k stored as a run; `progress(done, total)` after each.

    Refused before any run is stored when a config is unknown, needs a model not trained yet, or an endpoint
    header cannot be filled."""
    from engine.pipeline.requirements import missing_models_message

    if not config_names:
        raise ValueError("choose at least one config to run")
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k (results stored per query) must be a whole number >= 1, got {k!r}")
    configs = [search_state.config(name, workspace) for name in config_names]
    for config in configs:
        if message := missing_models_message(config, workspace):
            raise ValueError(message)
    check_ready(configs)
    queries = store.queries(query_set)
    if not queries:
        raise ValueError(f"query set {query_set!r} has no queries; upload some first")
    if all(getattr(c, "kind", "pipeline") != "pipeline" for c in configs):  # endpoints only: no model to load
        from engine.external.catalog_context import catalog_context

        context = catalog_context(workspace)
    else:
        context = search_state.search_context(workspace)
    return record_runs(context, store, queries, configs, k=k, progress=progress)
