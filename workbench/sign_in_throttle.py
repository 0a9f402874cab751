"""Failed sign-ins counted per rater id and per client address, in a sliding window: past the limit, refuse."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field

MAX_FAILURES = 5  # failed sign-ins allowed per key in one window
WINDOW_S = 300.0  # the window, seconds


@dataclass
class SignInThrottle:
    """Process-wide (one per server): keys are ("id", rater_id) and ("client", address)."""

    max_failures: int = MAX_FAILURES
    window_s: float = WINDOW_S
    clock: object = time.monotonic
    _failures: dict[tuple[str, str], deque] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: tuple[str, str], now: float) -> deque:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] >= self.window_s:
            times.popleft()
        return times

    def wait_s(self, keys: list[tuple[str, str]]) -> float:
        """Seconds until a sign-in with these keys may be tried again (0: now)."""
        now = self.clock()
        with self._lock:
            waits = [self.window_s - (now - times[0]) for times in (self._recent(k, now) for k in keys)
                     if len(times) >= self.max_failures]
        return max(waits, default=0.0)

    def failed(self, keys: list[tuple[str, str]]) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, keys: list[tuple[str, str]]) -> None:
        """A good sign-in clears its id's count (not the client's: one address may be guessing many ids)."""
        with self._lock:
            for key in keys:
                if key[0] == "id":
                    self._failures.pop(key, None)


def throttle_keys(rater_id: str, client: str | None) -> list[tuple[str, str]]:
    keys = [("id", (rater_id or "").strip())]
    if client:
        keys.append(("client", client))
    return keys


def too_many_message(wait_s: float) -> str:
    minutes = max(1, round(wait_s / 60))
    return (f"Too many failed sign-ins for this id or from this address; try again in about {minutes} minute"
            f"{'s' if minutes != 1 else ''}.")
