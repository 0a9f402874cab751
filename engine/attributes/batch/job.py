"""`batch_assign`: attribute assignment over a catalog as a streaming batch job, re-embedding from the files.

Unlike `tagger_run.assign_tagger` (which scores the index's stored vectors), this job reads every image
and text again and runs open_clip, the text encoder and the tagger on them: the catalog-scale case where
no vectors are precomputed. Runners: `plain` (a loop, the baseline), `local` (stage A prefetched in
threads while stage B runs) and `ray` (Ray Data, optional). Results go to `tagged_attributes`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

from engine.attributes.batch.local import run_overlapped, run_plain
from engine.attributes.batch.ray_runner import run_ray
from engine.attributes.batch.stages import ModelSpec, decode_tagged, infer, load_models, preprocess

RUNNERS = ("plain", "local", "ray")


class UnknownRunnerError(ValueError):
    """A runner name that the batch job does not know."""


@dataclass
class BatchAssignReport:
    """What a batch assignment did, and how fast."""

    runner: str
    items: int = 0
    batch_size: int = 0
    written: int = 0  # rows whose tagged_attributes were written (0 with write=False)
    without_image: int = 0  # items tagged from their text alone (no image, or an unreadable one)
    seconds: dict[str, float] = field(default_factory=dict)
    tagged: dict[str, list] = field(default_factory=dict, repr=False)  # item_id -> [(family, value, confidence)]

    @property
    def items_per_second(self) -> float:
        run = self.seconds.get("run", 0.0)
        return self.items / run if run > 0 else float("nan")

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("tagged")
        data["items_per_second"] = round(self.items_per_second, 2)
        data["attributes"] = sum(len(r) for r in self.tagged.values())
        return data

    def summary(self) -> str:
        attrs = sum(len(r) for r in self.tagged.values())
        return (f"batch assignment ({self.runner}, batch size {self.batch_size}): {self.items} items, {attrs} "
                f"attributes, {self.without_image} without an image; {self.items_per_second:.1f} items/s"
                + (f"; wrote tagged_attributes for {self.written} items" if self.written else "")
                + "\ntime: " + ", ".join(f"{k} {v:.1f}s" for k, v in self.seconds.items()))


def check_runner(name: str) -> str:
    if name not in RUNNERS:
        raise UnknownRunnerError(f"unknown batch runner {name!r}; known runners: {', '.join(RUNNERS)}")
    return name


def read_item_rows(table, *, limit: int | None = None) -> list[dict]:
    """{"item_id", "image_path", "text"} per item, by item_id: the enriched text when indexed, else its parts."""
    from engine.index.enriched_text import enriched_text
    from engine.index.store import read_columns

    names = table.schema.names
    wanted = ["item_id", "image_path", "title", "description", "tags", "board_titles", "extra"]
    wanted += [c for c in ("enriched_text", "image_problem") if c in names]
    rows = sorted(read_columns(table, wanted).to_pylist(), key=lambda r: r["item_id"])
    if limit is not None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1 item, got {limit}")
        rows = rows[:limit]
    out = []
    for r in rows:
        text = r.get("enriched_text")
        if text is None:
            extra = json.loads(r["extra"]) if r.get("extra") else {}
            text = enriched_text(r["title"], r["description"], r["tags"], r["board_titles"], (), extra.get("caption"))
        path = None if r.get("image_problem") else r["image_path"]
        out.append({"item_id": r["item_id"], "image_path": path, "text": text})
    return out


def workspace_spec(table, checkpoint: Path, *, threads: int = 0) -> ModelSpec:
    """The ModelSpec of a workspace: the load specs recorded on its vector columns by `workbench index`."""
    from engine.index.columns import IMAGE_VEC, LOAD_SPEC_KEY, TEXT_VEC

    def load_spec(column: str) -> dict:
        if column not in table.schema.names:
            raise ValueError(f"the items table has no {column} column: the tagger's models are unknown; "
                             "run `workbench index` first")
        meta = table.schema.field(column).metadata or {}
        return json.loads(meta[LOAD_SPEC_KEY]) if LOAD_SPEC_KEY in meta else {}

    return ModelSpec(str(checkpoint), load_spec(IMAGE_VEC), load_spec(TEXT_VEC), threads)


def run_job(rows: Sequence[Mapping], spec: ModelSpec, *, runner: str = "local", batch_size: int = 64,
            image_root: str | Path, concurrency: int = 1, num_gpus: float = 0, models=None,
            ray_init: dict | None = None) -> dict[str, list[tuple[str, str, float]]]:
    """item_id -> tagged (family, value, confidence) by one runner; `models` (load_models) spares a reload here."""
    check_runner(runner)
    models = models or load_models(spec)
    stage_a = partial(preprocess, transform=models.clip.preprocess, image_root=str(image_root))
    if runner == "ray":
        batches = run_ray(rows, stage_a, spec, batch_size=batch_size, concurrency=concurrency, num_gpus=num_gpus,
                          init=ray_init)
    else:
        stage_b = partial(infer, models=models)
        run = run_plain if runner == "plain" else run_overlapped
        batches = run(rows, stage_a, stage_b, batch_size=batch_size)
    tagged = {str(i): decode_tagged(t) for b in batches for i, t in zip(b["item_id"], b["tagged"])}
    return dict(sorted(tagged.items()))


def batch_assign(workspace, *, runner: str = "local", batch_size: int = 64, checkpoint: Path | None = None,
                 limit: int | None = None, concurrency: int = 1, num_gpus: float = 0, write: bool = True,
                 image_root: Path | None = None, clip=None, text_encoder=None,
                 ray_init: dict | None = None) -> BatchAssignReport:
    """Tag the workspace's items from their files with the saved tagger; write `tagged_attributes` unless write=False."""
    from engine.attributes.tagger_assign import write_tagged
    from engine.attributes.tagger_checkpoint import workspace_checkpoint
    from engine.index.store import open_items_table

    check_runner(runner)
    report = BatchAssignReport(runner, batch_size=batch_size)
    t0 = time.perf_counter()
    table = open_items_table(workspace)
    rows = read_item_rows(table, limit=limit)
    spec = workspace_spec(table, Path(checkpoint or workspace_checkpoint(workspace)))
    models = load_models(spec, clip=clip, text_encoder=text_encoder)
    report.items, report.without_image = len(rows), sum(r["image_path"] is None for r in rows)
    report.seconds["load"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    report.tagged = run_job(rows, spec, runner=runner, batch_size=batch_size, image_root=image_root or workspace.root,
                            concurrency=concurrency, num_gpus=num_gpus, models=models, ray_init=ray_init)
    report.seconds["run"] = time.perf_counter() - t1
    if write:
        t2 = time.perf_counter()
        ids = list(report.tagged)
        report.written = write_tagged(open_items_table(workspace), ids, [report.tagged[i] for i in ids])
        report.seconds["write"] = time.perf_counter() - t2
    return report
