"""The Ray Data runner: from_items -> map_batches(stage A) on CPU tasks -> map_batches(stage B actors) -> collect.

Stage B is a callable class, so each actor loads the models once (`concurrency` actors, `num_gpus` each).
On a cluster the same code runs after `ray.init(address="auto")`, with image_root on storage every
worker can read (see the bench's notes). Ray is optional: `pip install 'relevance-workbench[ray]'`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from engine.attributes.batch.stages import INPUT_COLUMNS, ModelSpec, infer, load_models

INSTALL = "pip install 'relevance-workbench[ray]'"


class RayMissingError(ImportError, ValueError):
    """The ray runner was asked for but Ray Data is not installed."""


def import_ray():
    """ray and ray.data, or a RayMissingError that says how to install them and what runs without."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise RayMissingError(f"the ray runner needs Ray Data, which is not installed ({exc}); run `{INSTALL}`, "
                              "or use the single-process runner (--runner local)") from None
    return ray


class InferActor:
    """Stage B in a Ray actor: the models are loaded once, in __init__."""

    def __init__(self, spec: ModelSpec):
        self.models = load_models(spec)

    def __call__(self, batch: Mapping) -> dict:
        return infer(batch, self.models)


def run_ray(rows: Sequence[Mapping], stage_a: Callable[[Mapping], Mapping], spec: ModelSpec, *,
            batch_size: int = 64, concurrency: int = 1, num_gpus: float = 0, init: dict | None = None,
            actor: type = InferActor, task_cpus: float = 0.25, actor_cpus: float = 0.5) -> list[Mapping]:
    """Run both stages through Ray Data; starts a local Ray (with `init` kwargs) unless one is running.

    Stage A and stage B ask for different CPU shares, so Ray Data keeps them as separate operators (CPU
    tasks feeding the actors, overlapping) instead of fusing stage A into the actors.
    """
    ray = import_ray()
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1 inference actor, got {concurrency}")
    if not ray.is_initialized():
        ray.init(**({"include_dashboard": False, "log_to_driver": False} | (init or {})))
    items = [{c: r.get(c) for c in INPUT_COLUMNS} for r in rows]
    if not items:
        return []
    ds = ray.data.from_items(items)
    if task_cpus == actor_cpus:
        raise ValueError(f"task_cpus and actor_cpus are both {task_cpus}: Ray Data would fuse the two stages; "
                         "give them different CPU shares")
    ds = ds.map_batches(stage_a, batch_size=batch_size, batch_format="numpy", num_cpus=task_cpus)
    ds = ds.map_batches(actor, fn_constructor_args=(spec,), batch_size=batch_size, batch_format="numpy",
                        concurrency=concurrency, num_gpus=num_gpus, num_cpus=actor_cpus)
    return [{"item_id": [str(i) for i in b["item_id"]], "tagged": [str(t) for t in b["tagged"]]}
            for b in ds.iter_batches(batch_size=None, batch_format="numpy")]
