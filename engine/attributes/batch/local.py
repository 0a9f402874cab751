"""Single-process runners: a plain loop (stage A then B per batch) and the overlapped one.

`run_overlapped` keeps stage A of the next `prefetch` batches running in a thread pool while stage B
works on the current batch (image decoding and torch release the GIL, so the two really overlap);
batches come out in input order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

from engine.attributes.batch.stages import INPUT_COLUMNS

Stage = Callable[[Mapping], Mapping]


def columnar_batches(rows: Sequence[Mapping], batch_size: int) -> Iterator[dict]:
    """Rows ({"item_id", "image_path", "text"}) as columnar batches of at most batch_size rows."""
    if batch_size < 1:
        raise ValueError(f"batch size must be at least 1, got {batch_size}; pass e.g. --batch-size 64")
    for start in range(0, len(rows), batch_size):
        chunk = rows[start:start + batch_size]
        yield {c: [r.get(c) for r in chunk] for c in INPUT_COLUMNS}


def run_plain(rows: Sequence[Mapping], stage_a: Stage, stage_b: Stage, *, batch_size: int = 64) -> list[Mapping]:
    """The baseline: each batch through stage A, then stage B, one after the other."""
    return [stage_b(stage_a(batch)) for batch in columnar_batches(rows, batch_size)]


def run_overlapped(rows: Sequence[Mapping], stage_a: Stage, stage_b: Stage, *, batch_size: int = 64,
                   prefetch: int = 2, workers: int = 1) -> list[Mapping]:
    """Stage A of the next batches in `workers` threads while stage B runs here; outputs in input order."""
    if prefetch < 1 or workers < 1:
        raise ValueError(f"prefetch ({prefetch}) and workers ({workers}) must be at least 1")
    batches = columnar_batches(rows, batch_size)
    out = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="preprocess") as pool:
        pending = deque(pool.submit(stage_a, b) for _, b in zip(range(prefetch), batches))
        while pending:
            ready = pending.popleft().result()
            following = next(batches, None)
            if following is not None:
                pending.append(pool.submit(stage_a, following))
            out.append(stage_b(ready))
    return out
