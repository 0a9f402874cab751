"""Child processes for the durability and locking tests: `python -m tests.labels.processes writer|hold DB`."""

from __future__ import annotations

import sys

from labels import open_store


def writer(path: str) -> None:
    """Record judgments forever, printing each judgment id once record_judgment has returned."""
    with open_store(path) as store:
        tasks = [t for t in range(1, store.count_rows("tasks") + 1)]
        print("ready", flush=True)
        n = 0
        while True:
            judgment = store.record_judgment(tasks[n % len(tasks)], "r1", n % 5, seconds_spent=1.0, comment=f"n={n}")
            print(judgment.judgment_id, flush=True)
            n += 1


def hold(path: str) -> None:
    """Hold the store open for writing, with one judgment recorded, until stdin closes."""
    with open_store(path) as store:
        store.record_judgment(1, "r1", 4, seconds_spent=1.0, comment="written by the holder")
        print("ready", flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    {"writer": writer, "hold": hold}[sys.argv[1]](sys.argv[2])
