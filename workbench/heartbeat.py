"""A line every few seconds while a long step runs, so that a log (the first `make demo`, CI) is never silent."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

EVERY_S = 15.0


@contextmanager
def heartbeat(what: str, *, every_s: float = EVERY_S, say: Callable[[str], None] | None = None) -> Iterator[None]:
    """While the block runs, say "[demo] still WHAT (N s)" every `every_s` seconds; nothing once it ends."""
    say = say or (lambda line: print(line, flush=True))
    done = threading.Event()
    start = time.monotonic()

    def beat() -> None:
        while not done.wait(every_s):
            say(f"[demo] still {what} ({time.monotonic() - start:.0f} s)")

    thread = threading.Thread(target=beat, name="demo-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
